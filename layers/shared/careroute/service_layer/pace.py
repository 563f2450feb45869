"""The city's coverage pace for a day: the month's counters against its working days."""

from __future__ import annotations

from datetime import date

from careroute.adapters.dynamodb.coverage import read_coverage
from careroute.domain.coverage import ALL_TIERS, Scope
from careroute.domain.pace import MonthPace, month_pace
from careroute.service_layer.bureau import holidays

CITY = Scope.parse("city")


def city_pace(on: date) -> MonthPace:
    """Due elders visited citywide this month (all tiers) vs the month's working days done."""
    rows = {row["tier"]: row for row in read_coverage(on.strftime("%Y-%m"), CITY)}
    every_tier = rows[ALL_TIERS]
    days_off = [h.date for h in holidays().holidays]
    return month_pace(on, every_tier["elders_due"], every_tier["elders_visited"], days_off)
