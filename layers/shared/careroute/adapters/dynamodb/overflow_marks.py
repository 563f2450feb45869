"""Which communities reported overflow on a plan date: one small item per community.

The solver marks a community whose horizon holds more work than its steward's days (the
route document's `stats.horizon.overflow`), or whose next working day is pinned full
(`stats.horizon.next_day_pinned`); the next night's planner reads one partition instead of
scanning every stored route. Kept in the coverage table (pk `overflow#<date>`, `pinned#<date>`),
expiring after a week.
"""

from __future__ import annotations

from datetime import date, timedelta

from careroute.adapters.dynamodb.coverage import CoverageModel
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.domain import clock
from careroute.service_layer.ports.visits import DayMark

RETENTION = timedelta(days=7)


def _pk(plan_date: date, kind: DayMark) -> str:
    return f"{kind.value}#{plan_date.isoformat()}"


def mark_item(plan_date: date, community_id: str, kind: DayMark) -> CoverageModel:
    """The community's mark of `kind` for the date, as stored (expiring after `RETENTION`)."""
    return CoverageModel(_pk(plan_date, kind), community_id, expires_at=clock.now() + RETENTION)


def mark_overflow(plan_date: date, community_id: str, on: bool, kind: DayMark) -> None:
    """Record (or clear, on a re-plan without it) the community's mark for the date."""
    item = mark_item(plan_date, community_id, kind)
    with storage_errors("mark a community's overflow"):
        if on:
            item.save()
        else:
            item.delete()


def overflowing_on(plan_date: date, kind: DayMark = DayMark.OVERFLOW) -> set[str]:
    """Communities marked for the date (an empty set when none was planned then)."""
    with storage_errors("read overflow marks"):
        return {item.sk for item in CoverageModel.query(_pk(plan_date, kind))}
