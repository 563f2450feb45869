"""What the main job has finished, kept in the data folder beside the stack's journal.

`careroute run` loads a city and fans out a nightly plan; killed half way, it must neither
load the city twice over edits made since nor lose the plan. The stack's data survives in
the journal (careroute_local.journal); this file says which steps are complete, so a restart
skips them and resumes the rest (unfinished plan jobs are still in their queue). One
`careroute run` at a time may use a data folder: a lock file says so.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

STATE_FILE = "main_job.json"
LOCK_FILE = "lock"


class StateInUse(RuntimeError):
    """Another `careroute run` holds the data folder."""


@dataclass
class RunState:
    """The steps of the main job already done in `directory` (empty for a fresh folder)."""

    directory: Path
    city: dict[str, Any] | None = None
    """How the loaded registry was made (seed, districts, scale or data folder), once loaded."""
    plans: dict[str, int] = field(default_factory=dict)
    """Plan dates whose nightly tick fanned out, with the number of plan jobs it sent."""
    _lock: int | None = None

    @classmethod
    def open(cls, directory: Path) -> RunState:
        """Read the folder's state and hold its lock until close() (or the process ends)."""
        directory.mkdir(parents=True, exist_ok=True)
        lock = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(lock)
            raise StateInUse(f"another `careroute run` is using {directory}") from exc
        state = cls(directory, _lock=lock)
        path = directory / STATE_FILE
        if path.exists():
            saved = json.loads(path.read_text("utf-8"))
            state.city = saved.get("city")
            state.plans = dict(saved.get("plans", {}))
        return state

    def close(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # releases the flock
            self._lock = None

    @property
    def resumed(self) -> bool:
        return self.city is not None

    def registry_loaded(self, description: dict[str, Any]) -> None:
        self.city = description
        self._save()

    def fanned_out(self, plan_date: date, jobs: int) -> None:
        self.plans[plan_date.isoformat()] = jobs
        self._save()

    def jobs_sent(self, plan_date: date) -> int | None:
        return self.plans.get(plan_date.isoformat())

    def _save(self) -> None:
        path = self.directory / STATE_FILE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"city": self.city, "plans": self.plans}), "utf-8")
        os.replace(temporary, path)


def clear(directory: Path) -> bool:
    """Delete the data folder's stack state (journal, stream positions, steps done).

    Refuses while a `careroute run` holds it. False when there was nothing to delete.
    """
    if not directory.exists():
        return False
    state = RunState.open(directory)  # raises StateInUse while a run is using it
    try:
        shutil.rmtree(directory)
    finally:
        state.close()
    return True
