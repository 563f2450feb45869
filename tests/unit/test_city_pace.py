"""The city's daily coverage pace, on the memory adapters: the month's counters against its
working days, the bureau's holidays taken off."""

from __future__ import annotations

from datetime import date, datetime

from careroute.adapters import memory, memory_visits
from careroute.domain.coverage import ALL_TIERS, Scope
from careroute.domain.vocabulary import CHINA_TZ, Tier
from careroute.service_layer.pace import PaceReading, city_pace
from tests.builders import a_visit

CITY = Scope.parse("city")


def test_the_city_pace_counts_the_elders_visited_against_working_days_less_holidays() -> None:
    """Given 20 due elders, 2 of them visited by Friday 4 December 2026, and 2 December a
    holiday, then 3 of 22 working days are done and 10 % of the elders are visited."""
    ports = PaceReading(memory_visits.MemoryCoverage(), memory.MemoryHolidays())
    ports.coverage.save_registry_totals({(CITY, Tier.T3.value): 20, (CITY, ALL_TIERS): 20})
    for n, day in enumerate((1, 3)):
        at = datetime(2026, 12, day, 9, tzinfo=CHINA_TZ)
        ports.coverage.project_visit(a_visit(f"v{n}", at, elder_id=f"E{n}", tier=Tier.T3))
    ports.holidays.save_holidays({date(2026, 12, 2): "a day off"}, by="admin")
    pace = city_pace(date(2026, 12, 4), ports)
    assert (pace.month, pace.elders_due, pace.elders_visited) == ("2026-12", 20, 2)
    assert (pace.working_days_done, pace.working_days) == (3, 22)
    assert pace.visited_share == 0.1
