"""Meal delivery: the nightly canteen fan-out, each canteen day's delivery routes, and the
routes officials read.

Canteens come from the canteens table; each plan job carries its canteen, and the solver's
half (meal_planning) routes it with the day's orders from the meal orders table. This module
imports no OR-Tools (the API has no such layer).

Who may read: the street official of the canteen's street, the district official of its
district, the city admin. Routes show elder ids and times only (no names or addresses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from careroute.domain.access import Caller, require_scope
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import NotFoundError
from careroute.messages.meals import MealPlanJob
from careroute.messages.visits import NightlyTick
from careroute.observability import logger
from careroute.service_layer.night_plan_date import JobsSent, plan_date_of
from careroute.service_layer.ports import (
    CanteenRepository,
    MealJobQueue,
    MealRouteRepository,
    ScopeDirectory,
)


@dataclass(frozen=True)
class MealFanOut:
    """The ports of the nightly meal planner: the canteens, and the queue of canteen days."""

    canteens: CanteenRepository
    meal_jobs: MealJobQueue


@dataclass(frozen=True)
class MealRouteReading:
    """The ports of an official reading a canteen's routes."""

    routes: MealRouteRepository
    scopes: ScopeDirectory


def fan_out(tick: NightlyTick, run_id: str, ports: MealFanOut) -> JobsSent:
    """One plan job per stored canteen (of the tick's districts, if named) for the plan
    date; no canteen stored sends no job and says so."""
    day = plan_date_of(tick)
    planned = ports.canteens.all_canteens()
    if tick.district_ids:
        planned = [c for c in planned if c.district_id in set(tick.district_ids)]
    if not planned:
        logger.warning(
            "no canteens to plan: the canteens table holds none (of these districts)",
            extra={"plan_date": day.isoformat(), "district_ids": tick.district_ids or "all"},
        )
    jobs = (MealPlanJob.of(c, day, run_id) for c in planned)
    return JobsSent(day, run_id, ports.meal_jobs.send(jobs))


def canteen_routes(
    caller: Caller, canteen_id: str, day: date, ports: MealRouteReading
) -> dict[str, Any]:
    """A canteen's delivery routes for a day, for officials whose scope contains it."""
    found = ports.routes.find_canteen_day(canteen_id, day)
    if found is None:
        raise NotFoundError(f"no meal routes for canteen {canteen_id} on {day.isoformat()}")
    street = Scope(ScopeKind.STREET, found.street_id)
    require_scope(caller, street, ports.scopes.ancestors(street))
    return {**found.document, "district_id": found.district_id, "street_id": found.street_id}
