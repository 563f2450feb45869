"""The night's plan date and the holidays near it, shared by every nightly fan-out.

Kept apart from the nightly planning (planning.py) so a planner of beds, meals, assessments
or inspections reads the plan date without importing the steward routing at cold start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from careroute.domain.vocabulary import china_date
from careroute.messages.visits import NightlyTick

HOLIDAYS_AHEAD = timedelta(days=62)
"""Holidays further ahead than this cannot change tomorrow's plan (the horizon is shorter)."""


def plan_date_of(tick: NightlyTick) -> date:
    """The nightly run plans the next local day, unless the tick names a date."""
    if tick.plan_date is not None:
        return tick.plan_date
    return china_date(tick.scheduled_time) + timedelta(days=1)


@dataclass(frozen=True)
class JobsSent:
    """A nightly fan-out's plan jobs: what its handler logs and returns."""

    plan_date: date
    run_id: str
    jobs: int

    def summary(self) -> dict[str, Any]:
        return {"plan_date": self.plan_date.isoformat(), "run_id": self.run_id, "jobs": self.jobs}


def holidays_near(holidays: Iterable[date], plan_date: date) -> frozenset[date]:
    """The holidays that can change the plans around `plan_date`."""
    return frozenset(
        day for day in holidays if plan_date - HOLIDAYS_AHEAD <= day <= plan_date + HOLIDAYS_AHEAD
    )
