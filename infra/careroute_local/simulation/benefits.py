"""The month simulation's benefit scan (政策找人): the daily scan runs at 06:00 each simulated
day (on the stack: the EligibilityFunction's Scheduler event; in memory: the same use case),
and what it found and notified is summed for the month report. One scan runs the day before
the month starts: the registry carries no notices yet, so it notifies everyone who already
qualified (the backlog a city has once, when the scan is first switched on); the month's
figures are the elders who newly qualify after it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from careroute.domain.clock import SimulatedClock
from careroute_local.simulation.timetable import at

SCAN_AT = 6 * 3600

Scan = Callable[[datetime], dict[str, Any]]
"""Run the scan scheduled at a time; its summary (found, notified, by_rule)."""


class BenefitScanDays:
    def __init__(self, scan: Scan, sim_clock: SimulatedClock, first: date) -> None:
        self._scan = scan
        self.counts: Counter[str] = Counter()
        backlog = self._run(sim_clock, first - timedelta(days=1))
        self.counts["benefit_backlog_notified"] = int(backlog["notified"])

    def _run(self, sim_clock: SimulatedClock, day: date) -> dict[str, Any]:
        scheduled = at(day, SCAN_AT)
        sim_clock.set(scheduled)
        return self._scan(scheduled)

    def day(self, sim_clock: SimulatedClock, day: date) -> None:
        summary = self._run(sim_clock, day)
        self.counts["benefit_scans"] += 1
        self.counts["benefit_found"] += int(summary["found"])
        self.counts["benefit_notified"] += int(summary["notified"])
        for rule, n in summary["by_rule"].items():
            self.counts[f"benefit_notified_{rule}"] += int(n)

    def totals(self) -> dict[str, int]:
        return dict(self.counts)
