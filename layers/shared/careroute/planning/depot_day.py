"""A fleet day from one depot (a district office, a provider's base): the pieces the
inspection, assessment, home-care-bed and dispatch planners share.

Pure: no AWS. Place 0 is the depot, where every worker starts and ends; place k is stop k-1.
A solved day is checked by the independent fleet validator before it becomes documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from careroute.domain.vocabulary import GeoPoint, TimeWindow, format_clock
from careroute.planning.travel import HaversineTravel
from careroute.routing.fleet_model import (
    FleetProblem,
    FleetResult,
    Worker,
    WorkerRoute,
    travel_matrix,
)
from careroute.routing.fleet_validator import validate_fleet
from careroute.routing.model import PlannedStop


def depot_worker(
    worker_id: str,
    shift: TimeWindow,
    lunch: TimeWindow | None,
    skills: frozenset[str] = frozenset(),
) -> Worker:
    """A worker who leaves the depot (place 0) and comes back to it, inside `shift`."""
    return Worker(worker_id, start_place=0, end_place=0, shift=shift, break_=lunch, skills=skills)


class Based(Protocol):
    @property
    def base(self) -> GeoPoint: ...


def district_office(at_work: Sequence[Based], who: str) -> GeoPoint:
    """The depot of a district day: the office its workers at work are based at (the first
    one's base); ValueError, naming `who` they are, when nobody is at work."""
    if not at_work:
        raise ValueError(f"a district day needs at least one {who} at work")
    return at_work[0].base


def depot_travel(
    depot: GeoPoint, stops: Iterable[GeoPoint], speed_kmh: float, circuity: float
) -> tuple[tuple[int, ...], ...]:
    """The travel matrix of place 0 the depot and place k the k-th of `stops`."""
    return travel_matrix([depot, *stops], HaversineTravel(speed_kmh, circuity))


def require_valid(
    problem: FleetProblem,
    result: FleetResult,
    what: str,
    error: type[Exception] = ValueError,
) -> None:
    """Raise `error`, naming `what` and the first five rules broken, if the plan breaks any."""
    errors = validate_fleet(problem, result)
    if errors:
        raise error(f"{what}: " + "; ".join(errors[:5]))


def service_clock(planned: PlannedStop) -> dict[str, str]:
    """A planned stop's service start and end as a document shows them ("09:05")."""
    return {"start": format_clock(planned.service_start), "end": format_clock(planned.service_end)}


def route_clock(route: WorkerRoute) -> dict[str, str]:
    """When a worker's route leaves the depot and comes back, as a document shows them."""
    return {"departure": format_clock(route.departure), "return": format_clock(route.ret)}


def worker_routes(
    result: FleetResult,
    route_fields: Callable[[WorkerRoute], dict[str, Any]],
    stop_fields: Callable[[PlannedStop], dict[str, Any]],
) -> list[dict[str, Any]]:
    """One route document per worker, in the result's order (an idle worker's with no stop, so
    a re-plan replaces every route of the day): the route's `route_fields`, when it leaves the
    depot and comes back, and its stops in order, each its sequence, its `stop_fields` and when
    its service starts and ends."""
    return [
        {
            **route_fields(route),
            **route_clock(route),
            "stops": [
                {"sequence": p.sequence, **stop_fields(p), **service_clock(p)} for p in route.stops
            ],
        }
        for route in result.routes
    ]


@dataclass(frozen=True)
class DayDocuments:
    """What one day's plan stores: a route document per worker, and a summary."""

    routes: list[dict[str, Any]]
    summary: dict[str, Any]
