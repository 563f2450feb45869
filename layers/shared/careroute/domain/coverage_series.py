"""Coverage over a month, day by day: how many elders had their first completed visit by each day.

The monthly counters (careroute.domain.coverage) hold only the month's running total; the officials'
chart needs the path to it. The rule is the counters' own (an elder counts once per month,
in the tier of the earliest completed visit), so the last day of the series equals the
counters' elders_visited for the scope. Pure: no AWS imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from careroute.domain.compliance import month_bounds
from careroute.domain.coverage import ALL_TIERS
from careroute.domain.vocabulary import VisitRecord

TIERS = ("T1", "T2", "T3", ALL_TIERS)


def daily_elders_visited(
    visits: Iterable[VisitRecord],
    month: str,
    until: date | None = None,
    contacts_count: bool = False,
) -> list[dict[str, object]]:
    """[{"date": "YYYY-MM-DD", "T1": n, "T2": n, "T3": n, "ALL": n}, ...] cumulative, one per
    day of `month` up to `until` (default: the month's last day). Visits outside the month
    are ignored; a phone or video contact counts when `contacts_count` (the policy's)."""
    first, last = month_bounds(month)
    if until is not None:
        last = min(last, until)
    earliest: dict[str, VisitRecord] = {}
    for visit in visits:
        if visit.month != month or not visit.counts_toward_month(contacts_count):
            continue
        seen = earliest.get(visit.elder_id)
        if seen is None or visit.visited_at < seen.visited_at:
            earliest[visit.elder_id] = visit
    new_on: dict[date, dict[str, int]] = {}
    for visit in earliest.values():
        counts = new_on.setdefault(visit.local_date, dict.fromkeys(TIERS, 0))
        counts[visit.tier.value] += 1
        counts[ALL_TIERS] += 1
    running = dict.fromkeys(TIERS, 0)
    series: list[dict[str, object]] = []
    day = first
    while day <= last:
        for tier, count in new_on.get(day, {}).items():
            running[tier] += count
        series.append({"date": day.isoformat(), **running})
        day += timedelta(days=1)
    return series
