"""Inputs and outputs of the fleet router (multi-vehicle VRPTW): frozen dataclasses, validated
on construction.

Places are indices into `FleetProblem.travel`, a square matrix of whole travel seconds (build
it from points with `travel_matrix`, or from any matrix provider). Travel time is also the
routing cost. Times are whole seconds of the day, so every window is a domain `TimeWindow`.
The per-stop and per-route output types are the daily router's (`PlannedStop`, `Unassigned`).

Objective (integers): travel seconds + fixed cost of each worker used + penalties of dropped
optional stops + `continuity_penalty` for each stop served by someone other than its
preferred worker + `span_cost` x (longest route's span - shortest route's span, OR-Tools'
global span cost, which balances workload).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from careroute.domain.vocabulary import GeoPoint, TimeWindow
from careroute.planning.travel import TravelModel
from careroute.routing.model import Droppable, PlannedStop, SolveStatus, Unassigned


@dataclass(frozen=True)
class FleetStop(Droppable):
    """A visit any qualified worker may make. `penalty` None means mandatory."""

    stop_id: str
    place: int
    windows: tuple[TimeWindow, ...]
    """Service starts and ends inside one of these (sorted, non-overlapping)."""
    service_seconds: int
    demand: int = 0
    skills: frozenset[str] = frozenset()
    """Skills the worker must have, e.g. {"dementia"}."""
    penalty: int | None = None
    preferred_worker: str | None = None
    """Continuity of care: who served this elder before (soft)."""
    max_ride_seconds: int | None = None
    """Longest time from the worker's departure (the shift start) to the start of service
    here, e.g. a meal's temperature limit: every route leaves its start place with the load."""

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError(f"stop {self.stop_id}: needs at least one time window")
        for a, b in zip(self.windows, self.windows[1:], strict=False):
            if b.start <= a.end:
                raise ValueError(f"stop {self.stop_id}: windows must be sorted and disjoint")
        if self.place < 0 or self.service_seconds < 0 or self.demand < 0:
            raise ValueError(f"stop {self.stop_id}: place, service and demand must be >= 0")
        if self.max_ride_seconds is not None and self.max_ride_seconds < 0:
            raise ValueError(f"stop {self.stop_id}: max_ride_seconds must be >= 0")
        self._check_penalty()


@dataclass(frozen=True)
class Worker:
    """A worker (vehicle): starts at `start_place`, ends at `end_place`, inside `shift`."""

    worker_id: str
    start_place: int
    end_place: int
    shift: TimeWindow
    break_: TimeWindow | None = None
    """A fixed break inside the shift (e.g. lunch); no service in it, walks pause for it."""
    capacity: int | None = None
    skills: frozenset[str] = frozenset()
    fixed_cost: int = 0
    max_stops: int = 1_000

    def __post_init__(self) -> None:
        if min(self.start_place, self.end_place, self.fixed_cost, self.max_stops) < 0:
            raise ValueError(f"worker {self.worker_id}: places, fixed cost, max_stops >= 0")
        if self.capacity is not None and self.capacity < 0:
            raise ValueError(f"worker {self.worker_id}: capacity must be >= 0")
        brk = self.break_
        if brk is not None and not self.shift.start <= brk.start <= brk.end <= self.shift.end:
            raise ValueError(f"worker {self.worker_id}: break {brk} must lie inside the shift")

    def can_serve(self, stop: FleetStop) -> bool:
        """Has the skills and the capacity for `stop` (ignoring time)."""
        fits = self.capacity is None or stop.demand <= self.capacity
        return stop.skills <= self.skills and fits


@dataclass(frozen=True)
class FleetProblem:
    workers: tuple[Worker, ...]
    stops: tuple[FleetStop, ...]
    travel: tuple[tuple[int, ...], ...]
    """travel[a][b]: whole seconds from place a to place b (also the cost)."""
    continuity_penalty: int = 0
    span_cost: int = 0

    def __post_init__(self) -> None:
        if not self.workers:
            raise ValueError("a fleet problem needs at least one worker")
        for label, ids in (
            ("stop", [s.stop_id for s in self.stops]),
            ("worker", [w.worker_id for w in self.workers]),
        ):
            if len(ids) != len(set(ids)):
                raise ValueError(f"{label} ids must be unique")
        n = len(self.travel)
        if any(len(row) != n or min(row, default=0) < 0 for row in self.travel):
            raise ValueError("travel must be a square matrix of non-negative seconds")
        places = [s.place for s in self.stops]
        places += [p for w in self.workers for p in (w.start_place, w.end_place)]
        if places and max(places) >= n:
            raise ValueError("a place index is outside the travel matrix")
        if self.continuity_penalty < 0 or self.span_cost < 0:
            raise ValueError("continuity_penalty and span_cost must be >= 0")


def travel_matrix(points: Sequence[GeoPoint], travel: TravelModel) -> tuple[tuple[int, ...], ...]:
    """The travel matrix between `points` under a travel model (places = indices of points)."""
    return tuple(
        tuple(0 if i == j else travel.seconds(a, b) for j, b in enumerate(points))
        for i, a in enumerate(points)
    )


@dataclass(frozen=True)
class WorkerRoute:
    worker_id: str
    stops: tuple[PlannedStop, ...]
    """Empty if the worker is not used."""
    departure: int
    ret: int
    travel_seconds: int
    load: int


@dataclass(frozen=True)
class FleetResult:
    routes: tuple[WorkerRoute, ...]
    """One per worker, in the problem's order."""
    unassigned: tuple[Unassigned, ...]
    travel_seconds: int
    workers_used: int
    cost: int
    """The objective above, recomputed from the routes."""
    solve_ms: int
    status: SolveStatus
    notes: tuple[str, ...] = field(default_factory=tuple)
    backend: str = "ortools"
    """Which search made the plan: "pyvrp", "ortools", or "constructive" (the fallback)."""
