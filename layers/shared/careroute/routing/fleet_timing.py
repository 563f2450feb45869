"""When each stop of one worker's route is served: the forward pass both fleet searches and
their fallback use to test a route against windows, shift, break, ride limits and capacity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from careroute.routing.fleet_model import FleetProblem, FleetStop, Worker
from careroute.routing.timing import arrive, start_at


@dataclass(frozen=True)
class RouteTiming:
    arrivals: list[int]
    starts: list[int]
    ret: int
    load: int


def service_ranges(stop: FleetStop, worker: Worker) -> list[tuple[int, int]]:
    """The ranges of service start that fit the stop's windows and the worker's shift."""
    shift = worker.shift
    ride_limit = 24 * 3600 if stop.max_ride_seconds is None else stop.max_ride_seconds
    ranges = []
    for window in stop.windows:
        first = max(window.start, shift.start)
        last = min(
            window.end - stop.service_seconds,
            shift.end - stop.service_seconds,
            shift.start + ride_limit,
        )
        if first <= last:
            ranges.append((first, last))
    return ranges


def route_timing(
    problem: FleetProblem, worker: Worker, route: Sequence[FleetStop]
) -> RouteTiming | None:
    """Earliest-start forward pass over one worker's route; None if it breaks a rule."""
    if len(route) > worker.max_stops:
        return None
    brk, travel = worker.break_, problem.travel
    clock, here, load = worker.shift.start, worker.start_place, 0
    arrivals: list[int] = []
    starts: list[int] = []
    for stop in route:
        arrival = arrive(clock, travel[here][stop.place], brk)
        fits = (
            start_at(arrival, first, last, stop.service_seconds, brk)
            for first, last in service_ranges(stop, worker)
        )
        start = next((s for s in fits if s >= 0), -1)
        if start < 0:
            return None
        arrivals.append(arrival)
        starts.append(start)
        load += stop.demand
        clock, here = start + stop.service_seconds, stop.place
    ret = arrive(clock, travel[here][worker.end_place], brk)
    if ret > worker.shift.end or (worker.capacity is not None and load > worker.capacity):
        return None
    return RouteTiming(arrivals, starts, ret, load)
