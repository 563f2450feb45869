"""Which communities reported overflow on a plan date: one small item per community.

The solver marks a community whose horizon holds more work than its steward's days (the
route document's `stats.horizon.overflow`); the next night's planner reads one partition
instead of scanning every stored route. Kept in the coverage table (pk `overflow#<date>`),
expiring after a week.
"""

from __future__ import annotations

from datetime import date, timedelta

from careroute.adapters.dynamodb.coverage import CoverageModel
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.domain import clock

RETENTION = timedelta(days=7)


def _pk(plan_date: date) -> str:
    return f"overflow#{plan_date.isoformat()}"


def mark_overflow(plan_date: date, community_id: str, overflowing: bool) -> None:
    """Record (or clear, on a re-plan without overflow) the community's mark for the date."""
    item = CoverageModel(_pk(plan_date), community_id, expires_at=clock.now() + RETENTION)
    with storage_errors("mark a community's overflow"):
        if overflowing:
            item.save()
        else:
            item.delete()


def overflowing_on(plan_date: date) -> set[str]:
    """Communities marked for the date (an empty set when none was planned then)."""
    with storage_errors("read overflow marks"):
        return {item.sk for item in CoverageModel.query(_pk(plan_date))}
