"""Insert a new order into a provider's day: the multi-vehicle VRPTW the dispatcher solves.

Pure: no AWS. The day's orders already on a route are pinned to their worker (a worker is
never surprised by losing or swapping an order they were given; pinning is a private skill
`pin:<worker id>` that only that worker has) and mandatory; the new order is optional with a
high penalty, so the solver places it with the best skilled worker whose day still fits it,
or reports it unassigned with the reason. Every plan is checked by the independent fleet
validator; a plan that fails it, or that drops a pinned order, is not used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from careroute.domain import GeoPoint
from careroute.orders import DayRoutes, Order
from careroute.routing.fleet_model import FleetProblem, FleetStop, Worker, travel_matrix
from careroute.routing.fleet_router import solve_fleet
from careroute.routing.fleet_validator import validate_fleet
from careroute.routing.model import SolveLimits
from careroute.synthetic_services import ServiceWorker
from careroute.travel import TravelModel

NEW_ORDER_PENALTY = 10_000_000
"""Far above any day's travel: the new order is dropped only when nobody can fit it."""
DISPATCH_LIMITS = SolveLimits(time_limit_ms=500)


def pin(worker_id: str) -> str:
    return f"pin:{worker_id}"


@dataclass(frozen=True)
class Insertion:
    worker_id: str | None
    """Who takes the new order; None when nobody can."""
    routes: DayRoutes
    """The provider's whole day after the insertion (unchanged when nobody can)."""
    reason: str = ""
    """Why nobody can take it (empty when placed)."""


def _stop(order: Order, place: int, worker_id: str | None) -> FleetStop:
    skills = {order.skill} | ({pin(worker_id)} if worker_id else set())
    return FleetStop(
        stop_id=order.order_id,
        place=place,
        windows=(order.window,),
        service_seconds=order.minutes * 60,
        skills=frozenset(skills),
        penalty=None if worker_id else NEW_ORDER_PENALTY,
    )


def build_problem(
    base: GeoPoint,
    workers: Sequence[ServiceWorker],
    booked: Sequence[Order],
    new: Order,
    travel: TravelModel,
) -> FleetProblem:
    """Place 0 is the provider's base; booked orders keep their worker; `new` is free."""
    points = [base, *(o.location for o in booked), new.location]
    fleet = tuple(
        Worker(
            worker_id=w.worker_id,
            start_place=0,
            end_place=0,
            shift=w.shift,
            break_=w.lunch,
            skills=w.skills | {pin(w.worker_id)},
        )
        for w in workers
    )
    stops = [_stop(o, i + 1, o.worker_id) for i, o in enumerate(booked)]
    stops.append(_stop(new, len(points) - 1, None))
    return FleetProblem(fleet, tuple(stops), travel_matrix(points, travel))


def insert_order(
    base: GeoPoint,
    workers: Sequence[ServiceWorker],
    booked: Sequence[Order],
    new: Order,
    travel: TravelModel,
    limits: SolveLimits = DISPATCH_LIMITS,
) -> Insertion:
    """The provider's day with `new` inserted, or unchanged with the reason it cannot be."""
    unchanged: DayRoutes = {}
    for order in booked:
        unchanged.setdefault(order.worker_id, []).append((order.order_id, -1))
    if not any(new.skill in w.skills for w in workers):
        return Insertion(None, unchanged, f"no worker of the provider has the skill {new.skill}")
    problem = build_problem(base, workers, booked, new, travel)
    result = solve_fleet(problem, limits)
    errors = validate_fleet(problem, result)
    if errors:
        return Insertion(None, unchanged, f"the plan failed validation: {errors[0]}")
    dropped = {u.stop_id: u for u in result.unassigned}
    if any(o.order_id in dropped for o in booked):
        return Insertion(None, unchanged, "the day's booked orders would no longer fit")
    routes: DayRoutes = {
        r.worker_id: [(p.stop_id, p.service_start) for p in r.stops]
        for r in result.routes
        if r.stops
    }
    if new.order_id in dropped:
        why = dropped[new.order_id].reason.value.replace("_", " ")
        return Insertion(None, routes, f"no skilled worker can fit it: {why}")
    taker = next(w for w, stops in routes.items() if any(s == new.order_id for s, _ in stops))
    return Insertion(taker, routes)
