"""The `careroute` command as the end-to-end tests run it: in a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import cli_environment

CLI = [sys.executable, "-m", "careroute_local.cli"]


def careroute(
    *args: str, cwd: Path, timeout: float = 600, **environment: str
) -> subprocess.CompletedProcess[str]:
    """`careroute ARGS` run in `cwd` with its data under cwd/var (and `environment` added),
    its output captured as text."""
    env = cli_environment(CAREROUTE_DATA_DIR=str(cwd / "var"), **environment)
    return subprocess.run(
        [*CLI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
