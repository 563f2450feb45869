"""Debian's Chromium as the web benchmark and the web tests launch it: headless, through
playwright, never playwright's own browser download.

Imported by benchmarks/web_pages.py (run as a script, so this folder is on sys.path) and by
tests/e2e/test_web_pages.py (as `benchmarks.chromium`); not a benchmark itself.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
