"""The month simulation's benefit scan (政策找人): the EligibilityFunction's daily schedule
fires at 06:00 each simulated day (the real handler, the real Scheduler event), and what it
found and notified is summed for the month report. One scan runs the day before the month
starts: the registry carries no notices yet, so it notifies everyone who already qualified
(the backlog a city has once, when the scan is first switched on); the month's figures are
the elders who newly qualify after it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from careroute.domain.clock import SimulatedClock
from careroute.domain.vocabulary import CHINA_TZ

SCANNER = "EligibilityFunction"
SCAN_AT = 6 * 3600


class BenefitScanDays:
    def __init__(self, pump: Any, sim_clock: SimulatedClock, first: date) -> None:
        self.pump = pump
        self.counts: Counter[str] = Counter()
        backlog = self._scan(sim_clock, first - timedelta(days=1))
        self.counts["benefit_backlog_notified"] = int(backlog["notified"])

    def _scan(self, sim_clock: SimulatedClock, day: date) -> dict[str, Any]:
        at = datetime.combine(day, datetime.min.time(), CHINA_TZ) + timedelta(seconds=SCAN_AT)
        sim_clock.set(at)
        summary: dict[str, Any] = self.pump.fire_schedule(SCANNER, at.astimezone(UTC))
        return summary

    def day(self, sim_clock: SimulatedClock, day: date) -> None:
        summary = self._scan(sim_clock, day)
        self.counts["benefit_scans"] += 1
        self.counts["benefit_found"] += int(summary["found"])
        self.counts["benefit_notified"] += int(summary["notified"])
        for rule, n in summary["by_rule"].items():
            self.counts[f"benefit_notified_{rule}"] += int(n)

    def totals(self) -> dict[str, int]:
        return dict(self.counts)
