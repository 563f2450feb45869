"""Insert a new order into a provider's day: the multi-vehicle VRPTW the dispatcher solves.

Pure: no AWS. The day's orders already on a route are pinned to their worker (a worker is
never surprised by losing or swapping an order they were given; pinning is a private skill
`pin:<worker id>` that only that worker has) and mandatory; the new order is optional with a
high penalty, so the solver places it with the best skilled worker whose day still fits it,
or reports it unassigned with the reason. Every plan is checked by the independent fleet
validator; a plan that fails it, or that drops a pinned order, is not used.

Dispatching on the service date itself (`now_s`, the seconds of the day already gone): what
was planned before now stays exactly where it was (the worker did it or is doing it), the new
order and every later one start no earlier than now, and a worker with nothing before now
leaves the base no earlier than now. Nothing is planned into a time that has passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from careroute import routing
from careroute.domain.orders import DayRoutes, Order
from careroute.domain.providers import ServiceWorker
from careroute.domain.vocabulary import GeoPoint, TimeWindow
from careroute.planning.depot_day import depot_worker
from careroute.planning.travel import TravelModel
from careroute.planning.urgent_holds import UrgentHold
from careroute.routing.fleet_model import FleetProblem, FleetStop, Worker, travel_matrix
from careroute.routing.fleet_validator import validate_fleet
from careroute.routing.model import SolveLimits

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


def ahead(window: TimeWindow, seconds: int, now_s: int | None) -> TimeWindow | None:
    """The part of `window` from `now_s` on, if a service of `seconds` still fits in it."""
    if now_s is None:
        return window
    start = max(window.start, now_s)
    return TimeWindow(start, window.end) if start + seconds <= window.end else None


def _booked_window(order: Order, now_s: int | None, planned: int | None) -> TimeWindow:
    """A booked order's window on a same-day re-solve: fixed where it was planned if that is
    already past, else what is left of its window (kept whole if it no longer fits: late)."""
    seconds = order.minutes * 60
    if now_s is not None and planned is not None and planned < now_s:
        return TimeWindow(planned, min(planned + seconds, 24 * 3600))
    return ahead(order.window, seconds, now_s) or order.window


def _from_now(worker: Worker, now_s: int) -> Worker:
    """`worker` idle at the base until now: the shift (and any break) from `now_s` on."""
    start = min(max(worker.shift.start, now_s), worker.shift.end)
    brk = worker.break_
    if brk is not None:
        brk = None if brk.end <= start else TimeWindow(max(brk.start, start), brk.end)
    return replace(worker, shift=TimeWindow(start, worker.shift.end), break_=brk)


def _stop(order: Order, place: int, worker_id: str | None, window: TimeWindow) -> FleetStop:
    skills = {order.skill} | ({pin(worker_id)} if worker_id else set())
    return FleetStop(
        stop_id=order.order_id,
        place=place,
        windows=(window,),
        service_seconds=order.minutes * 60,
        skills=frozenset(skills),
        penalty=None if worker_id else NEW_ORDER_PENALTY,
    )


def _held_stop(hold: UrgentHold, place: int) -> FleetStop:
    """An urgent visit a worker is responding to: theirs, mandatory, inside its window."""
    return FleetStop(
        stop_id=hold.stop_id,
        place=place,
        windows=(hold.window,),
        service_seconds=hold.service_seconds,
        skills=frozenset({pin(hold.worker_id)}),
    )


def build_problem(
    base: GeoPoint,
    workers: Sequence[ServiceWorker],
    booked: Sequence[Order],
    new: Order,
    travel: TravelModel,
    held: Sequence[UrgentHold] = (),
    now_s: int | None = None,
    planned: Mapping[str, int] | None = None,
) -> FleetProblem:
    """Place 0 is the provider's base; booked orders and held urgent visits keep their
    worker; `new` is free. `now_s` (a same-day dispatch) and the booked orders' `planned`
    starts: see the module doc."""
    planned = planned or {}
    points = [base, *(o.location for o in booked), *(h.location for h in held), new.location]
    fleet = [
        depot_worker(w.worker_id, w.shift, w.lunch, w.skills | {pin(w.worker_id)}) for w in workers
    ]
    if now_s is not None:
        busy = {o.worker_id for o in booked if planned.get(o.order_id, now_s) < now_s}
        busy |= {h.worker_id for h in held}
        fleet = [w if w.worker_id in busy else _from_now(w, now_s) for w in fleet]
    stops = [
        _stop(o, i + 1, o.worker_id, _booked_window(o, now_s, planned.get(o.order_id)))
        for i, o in enumerate(booked)
    ]
    stops += [_held_stop(h, len(booked) + i + 1) for i, h in enumerate(held)]
    window = ahead(new.window, new.minutes * 60, now_s) or new.window
    stops.append(_stop(new, len(points) - 1, None, window))
    return FleetProblem(tuple(fleet), tuple(stops), travel_matrix(points, travel))


def insert_order(
    base: GeoPoint,
    workers: Sequence[ServiceWorker],
    booked: Sequence[Order],
    new: Order,
    travel: TravelModel,
    limits: SolveLimits = DISPATCH_LIMITS,
    held: Sequence[UrgentHold] = (),
    now_s: int | None = None,
    planned: Mapping[str, int] | None = None,
) -> Insertion:
    """The provider's day with `new` inserted, or unchanged with the reason it cannot be.
    Urgent visits `held` on workers' days stay with their worker inside their windows.
    Same-day dispatch: pass `now_s` and the booked orders' `planned` starts (module doc)."""
    unchanged: DayRoutes = {}
    for order in booked:
        unchanged.setdefault(order.worker_id, []).append((order.order_id, -1))
    if not any(new.skill in w.skills for w in workers):
        return Insertion(None, unchanged, f"no worker of the provider has the skill {new.skill}")
    if ahead(new.window, new.minutes * 60, now_s) is None:
        return Insertion(None, unchanged, "too late today: the rest of its window is too short")
    problem = build_problem(base, workers, booked, new, travel, held, now_s, planned)
    result = routing.solve_fleet(problem, limits)  # OR-Tools loaded on this first use
    errors = validate_fleet(problem, result)
    if errors:
        return Insertion(None, unchanged, f"the plan failed validation: {errors[0]}")
    dropped = {u.stop_id: u for u in result.unassigned}
    if any(o.order_id in dropped for o in booked) or any(h.stop_id in dropped for h in held):
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
