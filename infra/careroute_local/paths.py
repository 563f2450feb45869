"""Where the project and the local stack's files live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"
DATA_DIR = Path(os.environ.get("CAREROUTE_DATA_DIR", PROJECT_ROOT / "var"))
"""Local state: generated city CSVs and the running stack's connection file."""
STACK_FILE = DATA_DIR / "stack.json"
STATE_DIR = DATA_DIR / "state"
"""The `careroute run` stack's data: journal of changes, stream positions, steps done.
Survives restarts (and kill -9); only `careroute reset` deletes it."""
REFERENCE_DATA = Path(
    os.environ.get("CAREROUTE_REFERENCE_DATA", PROJECT_ROOT.parent / "shared" / "data")
)
"""Published reference instances (Solomon and Homberger VRPTW with best-known solutions) beside
the checkout, read by tests and benchmarks only; CAREROUTE_REFERENCE_DATA points elsewhere."""
