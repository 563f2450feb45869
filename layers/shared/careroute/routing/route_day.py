"""The day as the router sees it: node 0 the depot, node k the k-th stop, the travel matrix
and each node's earliest and latest service start; the earliest-start timing of an order of
nodes (the one rule of times every search and the validator share); and the constructive route
that stands in when the search finds none. Pure: no OR-Tools (careroute.routing.ortools_router
searches over it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from careroute.domain.vocabulary import TimeWindow
from careroute.routing.model import RouteProblem, Stop
from careroute.routing.timing import arrive as _arrive
from careroute.routing.timing import start_at as _start_at

MAX_OBJECTIVE = 2**62
"""OR-Tools' objective is a signed 64-bit integer: penalties must stay below this."""


@dataclass(frozen=True)
class RouteDay:
    """The day as the solver sees it; node 0 is the depot, node k is `stops[k - 1]`."""

    shift_start: int
    shift_end: int
    lunch: TimeWindow | None
    stops: tuple[Stop, ...]
    travel: list[list[int]]
    service: list[int]
    first_start: list[int]
    """Earliest service start of each node allowed by its window and the shift."""
    last_start: list[int]
    """Latest service start of each node allowed by its window and the shift."""
    max_stops: int
    mandatory_penalty: int
    """More than any route's travel plus all optional penalties: mandatory stops come first."""
    warm_start: tuple[int, ...] = ()
    """Nodes of the problem's warm-start route that are still stops today, in its order."""


@dataclass(frozen=True)
class Timing:
    departure: int
    arrivals: list[int]
    starts: list[int]
    ret: int


def build_day(problem: RouteProblem, lunch: TimeWindow | None, stops: tuple[Stop, ...]) -> RouteDay:
    points = [problem.depot, *(s.location for s in stops)]
    seconds = problem.travel.seconds
    travel = [
        [0 if i == j else seconds(a, b) for j, b in enumerate(points)] for i, a in enumerate(points)
    ]
    optional = sum(s.penalty for s in stops if s.penalty is not None)
    longest = max(max(row) for row in travel)
    mandatory_penalty = optional + len(points) * longest + 1
    if mandatory_penalty * len(points) >= MAX_OBJECTIVE:
        raise ValueError("stop penalties are too large for the solver's 64-bit objective")
    shift = problem.shift
    node_of = {stop.stop_id: node for node, stop in enumerate(stops, start=1)}
    hinted = [node_of[stop_id] for stop_id in problem.warm_start if stop_id in node_of]
    return RouteDay(
        shift_start=shift.start,
        shift_end=shift.end,
        lunch=lunch,
        stops=stops,
        travel=travel,
        service=[0, *(s.service_seconds for s in stops)],
        first_start=[shift.start, *(max(s.window.start, shift.start) for s in stops)],
        last_start=[
            shift.end,
            *(min(s.window.end, shift.end) - s.service_seconds for s in stops),
        ],
        max_stops=problem.max_stops,
        mandatory_penalty=mandatory_penalty,
        warm_start=tuple(dict.fromkeys(hinted))[: problem.max_stops],
    )


def timing_of(day: RouteDay, order: Sequence[int]) -> Timing | None:
    """Earliest-start forward pass over `order` (node numbers); None if it breaks a limit."""
    if len(order) > day.max_stops:
        return None
    lunch = day.lunch
    clock, here = day.shift_start, 0
    arrivals: list[int] = []
    starts: list[int] = []
    for node in order:
        arrival = _arrive(clock, day.travel[here][node], lunch)
        start = _start_at(
            arrival, day.first_start[node], day.last_start[node], day.service[node], lunch
        )
        if start < 0:
            return None
        arrivals.append(arrival)
        starts.append(start)
        clock, here = start + day.service[node], node
    ret = _arrive(clock, day.travel[here][0], lunch)
    if ret > day.shift_end:
        return None
    departure = day.shift_start
    if order:
        departure = _latest_departure(day, order[0], starts[0])
        arrivals[0] = _arrive(departure, day.travel[0][order[0]], lunch)
    return Timing(departure, arrivals, starts, ret)


def _latest_departure(day: RouteDay, node: int, start: int) -> int:
    """Leave the depot as late as still starts the first visit on time (no waiting at a door)."""
    out = day.travel[0][node]
    tries = [start - out]
    if day.lunch is not None:
        tries.append(start - out - day.lunch.seconds)
    for depart in tries:
        if depart >= day.shift_start and _arrive(depart, out, day.lunch) <= start:
            return depart
    return day.shift_start


def construct(day: RouteDay) -> list[int]:
    """Cheapest feasible insertion: mandatory stops first, the narrowest window first (the
    hardest to place once the day fills), then by penalty (highest first)."""

    def rank(k: int) -> tuple[bool, int, int]:
        penalty = day.stops[k - 1].penalty
        if penalty is None:
            return False, day.last_start[k] - day.first_start[k], day.last_start[k]
        return True, -penalty, 0

    nodes = sorted(range(1, len(day.stops) + 1), key=rank)
    order: list[int] = []
    for node in nodes:
        if len(order) >= day.max_stops:
            break
        best: tuple[int, int] | None = None
        for pos in range(len(order) + 1):
            prev = order[pos - 1] if pos else 0
            nxt = order[pos] if pos < len(order) else 0
            added = day.travel[prev][node] + day.travel[node][nxt] - day.travel[prev][nxt]
            if best is not None and added >= best[0]:
                continue
            if timing_of(day, [*order[:pos], node, *order[pos:]]) is not None:
                best = (added, pos)
        if best is not None:
            order.insert(best[1], node)
    return order
