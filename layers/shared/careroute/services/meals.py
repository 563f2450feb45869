"""Meal delivery: the nightly canteen fan-out, each canteen day's delivery routes, and the
routes officials read.

Canteens come from the registry's communities (synthetic_meals, deterministic by seed), so
the planner needs no canteen table; each plan job carries its canteen. The solver reads the
elders of the canteen's communities, draws the day's orders, routes them (meals.plan_meals,
validated) and stores the plan; re-running a job overwrites the day's plan.

Who may read: the street official of the canteen's street, the district official of its
district, the city admin. Routes show elder ids and times only (no names or addresses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from careroute.auth import Caller, require_scope
from careroute.coverage import Scope, ScopeKind
from careroute.domain import format_clock
from careroute.exceptions import NotFoundError
from careroute.meal_messages import MealPlanJob
from careroute.meals import MealPlan, MealRules, plan_meals
from careroute.messages import NightlyTick
from careroute.routing import SolveLimits
from careroute.services.planning import plan_date_of
from careroute.storage import meal_routes, plan_jobs, registry
from careroute.storage.scopes import ancestors
from careroute.synthetic_meals import daily_orders, generate_canteens

MEAL_SEED = 7
"""Seed of the synthetic canteens and orders (the local stack's city seed)."""


def meal_limits(orders: int) -> SolveLimits:
    """Search time for a canteen day: 200 ms + 15 ms per order, at most 2 s (130 orders).
    benchmarks/meal_routes.py: at 1 s the largest sampled canteens (100-130 orders) already
    have every order on a route inside its ride limit; small days settle far sooner."""
    return SolveLimits(time_limit_ms=min(2_000, 200 + 15 * orders))


@dataclass(frozen=True)
class MealFanOut:
    plan_date: date
    run_id: str
    jobs: int


def fan_out(tick: NightlyTick, queue_url: str, run_id: str, seed: int = MEAL_SEED) -> MealFanOut:
    """One plan job per canteen (of the tick's districts, if named) for the plan date."""
    day = plan_date_of(tick)
    canteens = generate_canteens(registry.all_communities(), seed)
    if tick.district_ids:
        canteens = tuple(c for c in canteens if c.district_id in set(tick.district_ids))
    jobs = (MealPlanJob.of(c, day, seed, run_id) for c in canteens)
    return MealFanOut(day, run_id, plan_jobs.send_plan_jobs(queue_url, jobs))


def plan_document(plan: MealPlan) -> dict[str, Any]:
    """The stored and served form of a canteen day's plan (clock times, minutes)."""
    return {
        "canteen_id": plan.canteen_id,
        "date": plan.day.isoformat(),
        "status": plan.status,
        "orders_planned": plan.orders_planned,
        "meals": sum(r.meals for r in plan.routes),
        "vehicles_used": plan.vehicles_used,
        "trips": plan.trips,
        "travel_minutes": round(plan.travel_seconds / 60, 1),
        "longest_ride_minutes": round(plan.longest_ride_seconds / 60, 1),
        "unassigned": [{"order_id": o, "reason": r} for o, r in plan.unassigned],
        "routes": [
            {
                "vehicle_id": route.vehicle_id,
                "trip": route.trip,
                "departure": format_clock(route.departure),
                "return": format_clock(route.ret),
                "meals": route.meals,
                "stops": [
                    {
                        "sequence": d.sequence,
                        "order_id": d.order_id,
                        "elder_id": d.elder_id,
                        "meals": d.meals,
                        "handover": format_clock(d.handover),
                        "ride_minutes": round(d.ride_seconds / 60, 1),
                    }
                    for d in route.drops
                ],
            }
            for route in plan.routes
        ],
    }


def plan_canteen(job: MealPlanJob, now: datetime, rules: MealRules | None = None) -> dict[str, Any]:
    """Route the canteen's orders for the job's date and store the plan; a summary (counts)."""
    canteen = job.canteen()
    elders = [e for cid in canteen.community_ids for e in registry.elders_of_community(cid)]
    orders = daily_orders(canteen, elders, job.plan_date, job.seed)
    plan = plan_meals(
        canteen, orders, job.plan_date, rules or MealRules(), meal_limits(len(orders))
    )
    document = plan_document(plan)
    meal_routes.save_plan(
        canteen.canteen_id, job.plan_date, canteen.district_id, canteen.street_id, document, now
    )
    return {
        "canteen_id": canteen.canteen_id,
        "date": job.plan_date.isoformat(),
        "orders": len(orders),
        "planned": plan.orders_planned,
        "unassigned": len(plan.unassigned),
        "vehicles_used": plan.vehicles_used,
        "trips": plan.trips,
        "longest_ride_minutes": document["longest_ride_minutes"],
        "solve_ms": plan.solve_ms,
        "status": plan.status,
    }


def canteen_routes(caller: Caller, canteen_id: str, day: date) -> dict[str, Any]:
    """A canteen's delivery routes for a day, for officials whose scope contains it."""
    found = meal_routes.load_plan(canteen_id, day)
    if found is None:
        raise NotFoundError(f"no meal routes for canteen {canteen_id} on {day.isoformat()}")
    district_id, street_id, document = found
    street = Scope(ScopeKind.STREET, street_id)
    require_scope(caller, street, ancestors(street))
    return {**document, "district_id": district_id, "street_id": street_id}
