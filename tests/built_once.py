"""A folder built once for the whole test run, however many test workers read it.

With `pytest -n 2` the tests of one file go to both workers, so a module-scoped fixture
would be built on each (a `careroute simulate` run costs ~30 s of CPU). The first worker to
ask builds the folder while holding a lock; the other waits for it and reads the same files
(the pytest-xdist pattern of a session-wide artifact under the run's common base temp).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

BUILT = ".built"
"""Written last: a folder without it (a build that failed or was killed) is built again."""


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """The folder `name`, filled by `build(folder)` unless another worker of this run did.

    Readers must not change what they read: copy the folder first to alter a file."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # each worker's base temp is a folder of the run's
    folder = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / BUILT).exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / BUILT).touch()
    return folder
