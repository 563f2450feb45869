"""One canteen day: the day's lunch orders (the meal orders table) -> validated delivery
routes (meals.plan_meals) -> the stored plan; re-running a job overwrites the day. A day
with no orders stores an empty plan (and says so in the log): officials see it was planned.
Imports OR-Tools' router: used by the meal solver function only (it has the layer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from careroute.domain.vocabulary import format_clock
from careroute.messages.meals import MealPlanJob
from careroute.observability import logger
from careroute.planning.meals import MealPlan, MealRules, plan_meals
from careroute.routing import SolveLimits
from careroute.service_layer.ports import CanteenDayRoutes, MealOrderRepository, MealRouteRepository


@dataclass(frozen=True)
class CanteenDayPlanning:
    """The ports of the meal solver: the day's lunch orders in, the day's routes out."""

    orders: MealOrderRepository
    routes: MealRouteRepository


def meal_limits(orders: int) -> SolveLimits:
    """Search time for a canteen day: 200 ms + 15 ms per order, at most 2 s (130 orders).
    benchmarks/meal_routes.py: at 1 s the largest sampled canteens (100-130 orders) already
    have every order on a route inside its ride limit; small days settle far sooner."""
    return SolveLimits(time_limit_ms=min(2_000, 200 + 15 * orders))


def plan_document(plan: MealPlan) -> dict[str, Any]:
    """The stored and served form of a canteen day's plan (clock times, minutes)."""
    return {
        "canteen_id": plan.canteen_id,
        "date": plan.day.isoformat(),
        "status": plan.status,
        "backend": plan.backend,
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


def plan_canteen(
    job: MealPlanJob, now: datetime, ports: CanteenDayPlanning, rules: MealRules | None = None
) -> dict[str, Any]:
    """Route the canteen's orders for the job's date and store the plan; a summary (counts)."""
    canteen = job.canteen()
    orders = ports.orders.orders_of(canteen.canteen_id, job.plan_date)
    if not orders:
        logger.warning(
            "no lunch orders for the canteen on this day: an empty plan is stored",
            extra={"canteen_id": canteen.canteen_id, "date": job.plan_date.isoformat()},
        )
    plan = plan_meals(
        canteen, orders, job.plan_date, rules or MealRules(), meal_limits(len(orders))
    )
    document = plan_document(plan)
    stored = CanteenDayRoutes(
        canteen.canteen_id, job.plan_date, canteen.district_id, canteen.street_id, document
    )
    ports.routes.save_canteen_day(stored, now)
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
        "backend": plan.backend,
    }
