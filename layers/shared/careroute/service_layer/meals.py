"""Meal delivery: the nightly canteen fan-out, each canteen day's delivery routes, and the
routes officials read.

Canteens come from the registry's communities (synthetic_meals, deterministic by seed), so
the planner needs no canteen table; each plan job carries its canteen. The solver's half
(meal_planning) routes a job; this module imports no OR-Tools (the API has no such layer).

Who may read: the street official of the canteen's street, the district official of its
district, the city admin. Routes show elder ids and times only (no names or addresses).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from careroute_synthetic.meals import generate_canteens

from careroute.adapters.dynamodb import meal_routes, plan_jobs, registry
from careroute.adapters.dynamodb.scopes import ancestors
from careroute.domain.access import Caller, require_scope
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import NotFoundError
from careroute.messages.meals import MealPlanJob
from careroute.messages.visits import NightlyTick
from careroute.service_layer.planning import JobsSent, plan_date_of

MEAL_SEED = 7
"""Seed of the synthetic canteens and orders (the local stack's city seed)."""


def fan_out(tick: NightlyTick, queue_url: str, run_id: str, seed: int = MEAL_SEED) -> JobsSent:
    """One plan job per canteen (of the tick's districts, if named) for the plan date."""
    day = plan_date_of(tick)
    canteens = generate_canteens(registry.all_communities(), seed)
    if tick.district_ids:
        canteens = tuple(c for c in canteens if c.district_id in set(tick.district_ids))
    jobs = (MealPlanJob.of(c, day, seed, run_id) for c in canteens)
    return JobsSent(day, run_id, plan_jobs.send_plan_jobs(queue_url, jobs))


def canteen_routes(caller: Caller, canteen_id: str, day: date) -> dict[str, Any]:
    """A canteen's delivery routes for a day, for officials whose scope contains it."""
    found = meal_routes.load_plan(canteen_id, day)
    if found is None:
        raise NotFoundError(f"no meal routes for canteen {canteen_id} on {day.isoformat()}")
    district_id, street_id, document = found
    street = Scope(ScopeKind.STREET, street_id)
    require_scope(caller, street, ancestors(street))
    return {**document, "district_id": district_id, "street_id": street_id}
