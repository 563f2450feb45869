"""The one clock the product reads: wall time by default, a simulated time when set.

Code that needs "now" calls `clock.now()`; the month simulation moves time forward with
`clock.use(...)`. Nothing else changes between a simulated month and a real one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from careroute.domain.vocabulary import china_date

Source = Callable[[], datetime]


def _wall() -> datetime:
    return datetime.now(UTC)


_source: Source = _wall


def now() -> datetime:
    """The current time, time-zone aware (UTC unless a simulation says otherwise)."""
    return _source()


def today() -> date:
    """Today in China (Asia/Shanghai), by the same clock."""
    return china_date(_source())


@contextmanager
def use(source: Source) -> Iterator[None]:
    """Read time from `source` inside the block (e.g. a simulated clock)."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous


class SimulatedClock:
    """A settable clock: `set()` jumps to a moment; callable as a clock source."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a simulated time must carry a time zone")
        self._now = start

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a simulated time must carry a time zone")
        self._now = moment

    def __call__(self) -> datetime:
        return self._now


class RunningClock:
    """Wall time that started at `start`: seconds pass as on the wall, from a chosen moment.

    Tests use it for a fixed "today" that still moves; the local CLI for `--now`.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock's start must carry a time zone")
        self._start = start
        self._began = time.monotonic()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)
