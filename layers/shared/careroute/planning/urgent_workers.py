"""Put an urgent visit into a home-service worker's day and re-time the rest of it.

Pure: no AWS. The worker's day is their part of the provider's day plan: home-service
orders and urgent visits already held. What the worker has started by now stays as it is;
the rest is solved again from now with the fleet router (one vehicle), leaving from where
the worker last served (or the provider's base) and ending at the base. Unlike a steward's
visits, a worker's orders are booked services the elder waits for: every one stays on the
day (mandatory, inside its window), so a worker whose day cannot take the urgent visit as
well is simply not a candidate. The plan must pass the independent fleet validator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from careroute import routing
from careroute.domain.orders import Order
from careroute.domain.providers import ServiceWorker
from careroute.domain.vocabulary import GeoPoint, TimeWindow, china_date
from careroute.planning.travel import TravelModel
from careroute.planning.urgent_holds import UrgentHold, urgent_stop_id
from careroute.planning.urgent_route import (
    RouteInvalid,
    UrgentVisit,
    lunch_left,
    seconds_of_day,
    urgent_window,
)
from careroute.routing.fleet_model import FleetProblem, FleetStop, Worker, travel_matrix
from careroute.routing.fleet_validator import validate_fleet


@dataclass(frozen=True)
class WorkerDay:
    """One worker's day as the provider's plan holds it."""

    worker: ServiceWorker
    base: GeoPoint
    stops: tuple[tuple[str, int], ...]
    """(stop id, service start) in visiting order: order ids and `urgent:<incident id>`."""
    orders: tuple[Order, ...]
    """The orders among `stops`."""
    held: tuple[UrgentHold, ...]
    """The worker's urgent visits among `stops`."""


@dataclass(frozen=True)
class WorkerInsertion:
    stops: tuple[tuple[str, int], ...]
    """The worker's new day, in visiting order."""
    hold: UrgentHold
    eta: int
    """Arrival at the elder, seconds since local midnight."""


def without(day: WorkerDay, incident_id: str) -> WorkerDay:
    """The worker's day with an incident's urgent visit taken off (to place it again)."""
    stop_id = urgent_stop_id(incident_id)
    return replace(
        day,
        stops=tuple(s for s in day.stops if s[0] != stop_id),
        held=tuple(h for h in day.held if h.incident_id != incident_id),
    )


def insert_for_worker(
    day: WorkerDay, visit: UrgentVisit, now: datetime, travel: TravelModel
) -> WorkerInsertion | None:
    """The worker's day with the urgent visit in it, or None when the worker cannot make it
    today without dropping a booked order (shift over, day too full, too far)."""
    worker = day.worker
    now_s = seconds_of_day(now)
    orders = {o.order_id: o for o in day.orders}
    holds = {h.stop_id: h for h in day.held}

    def where(stop_id: str) -> GeoPoint:
        return orders[stop_id].location if stop_id in orders else holds[stop_id].location

    def service(stop_id: str) -> int:
        return orders[stop_id].minutes * 60 if stop_id in orders else holds[stop_id].service_seconds

    known = [s for s in day.stops if s[0] in orders or s[0] in holds]
    done = [s for s in known if 0 <= s[1] <= now_s]
    rest = [s for s in known if not 0 <= s[1] <= now_s]
    start = max([now_s, worker.shift.start] + [t + service(i) for i, t in done])
    if start >= worker.shift.end:
        return None
    here = where(done[-1][0]) if done else day.base
    elder_at = visit.elder.location
    window = urgent_window(visit, start, travel.seconds(here, elder_at), china_date(now))
    if window is None:
        return None
    lunch = lunch_left(worker.lunch, start, window)
    shift = TimeWindow(start, worker.shift.end)
    hold = UrgentHold(visit.incident_id, worker.worker_id, elder_at, window, visit.service_seconds)
    points = [here, day.base, elder_at, *(where(i) for i, _ in rest)]

    def clipped(stop_id: str) -> TimeWindow:
        span = orders[stop_id].window if stop_id in orders else holds[stop_id].window
        return TimeWindow(min(max(span.start, start), span.end), span.end)

    stops = [FleetStop(hold.stop_id, 2, (window,), visit.service_seconds)] + [
        FleetStop(i, n + 3, (clipped(i),), service(i)) for n, (i, _) in enumerate(rest)
    ]
    problem = FleetProblem(
        (Worker(worker.worker_id, 0, 1, shift, lunch),),
        tuple(stops),
        travel_matrix(points, travel),
    )
    # a worker's day is small: the daily router's measured effort for its size (a solution
    # limit, ~10-20 ms), not the dispatcher's 500 ms of search for a whole provider's day
    result = routing.solve_fleet(problem, routing.default_limits(len(stops)))
    errors = validate_fleet(problem, result)
    if errors:
        raise RouteInvalid("; ".join(errors[:5]))
    if result.unassigned:
        return None
    planned = {p.stop_id: p for p in result.routes[0].stops}
    return WorkerInsertion(
        stops=(*done, *((p.stop_id, p.service_start) for p in result.routes[0].stops)),
        hold=hold,
        eta=planned[hold.stop_id].arrival,
    )
