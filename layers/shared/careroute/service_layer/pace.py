"""The city's coverage pace for a day: the month's counters against its working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from careroute.domain.coverage import ALL_TIERS, Scope
from careroute.domain.pace import MonthPace, month_pace
from careroute.service_layer.ports import CoverageRepository, HolidayCalendar

CITY = Scope.parse("city")


@dataclass(frozen=True)
class PaceReading:
    """The ports of the daily pace: the month's coverage counters and the calendar's holidays
    (no working day) and make-up working days."""

    coverage: CoverageRepository
    holidays: HolidayCalendar


def city_pace(on: date, ports: PaceReading) -> MonthPace:
    """Due elders visited citywide this month (all tiers) vs the month's working days done."""
    rows = {row["tier"]: row for row in ports.coverage.read_coverage(on.strftime("%Y-%m"), CITY)}
    every_tier = rows[ALL_TIERS]
    days_off, workdays = ports.holidays.holidays(), ports.holidays.workdays()
    return month_pace(
        on, every_tier["elders_due"], every_tier["elders_visited"], days_off, workdays
    )
