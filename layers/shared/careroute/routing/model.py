"""Inputs and outputs of the daily router: frozen dataclasses, validated on construction.

Integer scaling: every time is whole seconds (of the local day, or a duration); travel
times are rounded up to the second by the travel model, so routes are never optimistic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from careroute.domain.vocabulary import GeoPoint, TimeWindow
from careroute.planning.travel import TravelModel


class Droppable:
    """A visit with a drop penalty; `penalty` None means mandatory. Shared by both routers."""

    stop_id: str
    penalty: int | None

    def _check_penalty(self) -> None:
        if self.penalty is not None and self.penalty < 0:
            raise ValueError(f"stop {self.stop_id}: penalty must be >= 0")

    @property
    def mandatory(self) -> bool:
        return self.penalty is None


@dataclass(frozen=True)
class Stop(Droppable):
    """A visit the route may include. `penalty` None means mandatory (deadline is today)."""

    stop_id: str
    location: GeoPoint
    window: TimeWindow
    service_seconds: int
    penalty: int | None = None

    def __post_init__(self) -> None:
        if self.service_seconds < 0:
            raise ValueError(f"stop {self.stop_id}: service_seconds must be >= 0")
        self._check_penalty()


@dataclass(frozen=True)
class RouteProblem:
    """One worker's day: start and end at `depot`, work inside `shift`, pause for `lunch_break`."""

    depot: GeoPoint
    shift: TimeWindow
    lunch_break: TimeWindow | None
    stops: tuple[Stop, ...]
    travel: TravelModel
    max_stops: int = 1_000
    warm_start: tuple[str, ...] = ()
    """Stop ids in a previous route's order (e.g. yesterday's): those still among `stops`
    seed the search in that order; a hint that breaks a constraint is ignored."""

    def __post_init__(self) -> None:
        ids = [s.stop_id for s in self.stops]
        if len(ids) != len(set(ids)):
            raise ValueError("stop ids must be unique")
        if self.max_stops < 0:
            raise ValueError("max_stops must be >= 0")


@dataclass(frozen=True)
class SolveLimits:
    """How hard to search. The router stops at whichever limit comes first."""

    time_limit_ms: int = 1_000
    solution_limit: int | None = None

    def __post_init__(self) -> None:
        if self.time_limit_ms <= 0:
            raise ValueError("time_limit_ms must be positive")


class UnassignedReason(StrEnum):
    """Why a stop is not on the route; the planner and the steward both read these."""

    WINDOW_OUTSIDE_SHIFT = "window_outside_shift"
    """The elder's availability window does not overlap the shift long enough for the visit."""
    UNREACHABLE_IN_WINDOW = "unreachable_in_window"
    """Even going straight from the depot, the visit cannot start and end inside the window."""
    NO_TIME_LEFT = "no_time_left"
    """Feasible alone, but the day is full with more urgent visits."""
    MAX_VISITS_REACHED = "max_visits_reached"
    """The worker's cap on visits per day is reached."""
    NO_QUALIFIED_WORKER = "no_qualified_worker"
    """Fleet only: no worker has the skills and the capacity the visit needs."""


@dataclass(frozen=True)
class Unassigned:
    stop_id: str
    reason: UnassignedReason
    mandatory: bool


@dataclass(frozen=True)
class PlannedStop:
    stop_id: str
    sequence: int
    """1-based position on the route."""
    arrival: int
    service_start: int
    service_end: int
    travel_seconds: int
    """Travel from the previous stop (or the depot for the first)."""


class SolveStatus(StrEnum):
    SOLVED = "solved"
    """The search ran and returned its best route."""
    FALLBACK = "fallback"
    """The search failed or timed out without a route; a constructive route was returned."""


@dataclass(frozen=True)
class RouteResult:
    stops: tuple[PlannedStop, ...]
    unassigned: tuple[Unassigned, ...]
    depot_departure: int
    depot_return: int
    travel_seconds: int
    solve_ms: int
    status: SolveStatus
    notes: tuple[str, ...] = field(default_factory=tuple)
