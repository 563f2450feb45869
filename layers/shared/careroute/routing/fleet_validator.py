"""An independent check of a fleet plan, run before any plan is stored.

Its own arithmetic from the problem alone (no code shared with the fleet router), with the
daily validator's break rule: no service in a worker's break, and a walk that spans the break
takes its travel time outside it. Each violation is a sentence; no violations = valid.
"""

from __future__ import annotations

from careroute.routing.fleet_model import FleetProblem, FleetResult, FleetStop, Worker, WorkerRoute
from careroute.routing.validator import _walk_outside_break


def validate_fleet(problem: FleetProblem, result: FleetResult) -> list[str]:
    """Every way `result` breaks `problem`'s rules, as readable sentences."""
    errors: list[str] = []
    known = {s.stop_id: s for s in problem.stops}
    if [r.worker_id for r in result.routes] != [w.worker_id for w in problem.workers]:
        errors.append("routes must be one per worker, in the problem's order")
        return errors
    planned = [p.stop_id for r in result.routes for p in r.stops]
    dropped = [u.stop_id for u in result.unassigned]
    seen: set[str] = set()
    for stop_id in planned + dropped:
        if stop_id not in known:
            errors.append(f"stop {stop_id}: not a stop of this problem")
        elif stop_id in seen:
            errors.append(f"stop {stop_id}: planned or unassigned more than once")
        seen.add(stop_id)
    for stop in problem.stops:
        if stop.mandatory and stop.stop_id not in seen:
            errors.append(f"stop {stop.stop_id}: mandatory but neither planned nor unassigned")
    for worker, route in zip(problem.workers, result.routes, strict=True):
        errors += _check_route(problem, worker, route, known)
    travel = sum(r.travel_seconds for r in result.routes)
    if result.travel_seconds != travel:
        errors.append(f"total travel is {result.travel_seconds} s, the routes add up to {travel} s")
    used = sum(1 for r in result.routes if r.stops)
    if result.workers_used != used:
        errors.append(f"workers used is {result.workers_used}, the routes show {used}")
    return errors


def _check_route(
    problem: FleetProblem, worker: Worker, route: WorkerRoute, known: dict[str, FleetStop]
) -> list[str]:
    errors: list[str] = []
    who = f"worker {worker.worker_id}"
    if len(route.stops) > worker.max_stops:
        errors.append(f"{who}: {len(route.stops)} stops, more than {worker.max_stops}")
    if not route.stops:
        return errors
    shift, brk, travel = worker.shift, worker.break_, problem.travel
    if route.departure < shift.start:
        errors.append(f"{who}: leaves at {route.departure}, before the shift {shift}")
    clock, here, load, total = route.departure, worker.start_place, 0, 0
    for position, planned in enumerate(route.stops, start=1):
        stop = known.get(planned.stop_id)
        if stop is None:
            continue  # already reported
        name = f"{who}, stop {stop.stop_id}"
        if planned.sequence != position:
            errors.append(f"{name}: sequence {planned.sequence}, expected {position}")
        if not stop.skills <= worker.skills:
            errors.append(f"{name}: needs skills {sorted(stop.skills - worker.skills)}")
        leg = travel[here][stop.place]
        total += leg
        if planned.travel_seconds != leg:
            errors.append(f"{name}: travel {planned.travel_seconds} s, the matrix says {leg} s")
        if planned.arrival < clock + leg:
            errors.append(f"{name}: arrives before leaving the previous place plus travel")
        elif _walk_outside_break(clock, planned.arrival, brk) < leg:
            errors.append(f"{name}: the walk needs time inside the break")
        if planned.service_start < planned.arrival:
            errors.append(f"{name}: service starts before arrival")
        if planned.service_end != planned.service_start + stop.service_seconds:
            errors.append(f"{name}: service does not last {stop.service_seconds} s")
        if not any(
            w.start <= planned.service_start and planned.service_end <= w.end for w in stop.windows
        ):
            errors.append(
                f"{name}: service {planned.service_start}-{planned.service_end} "
                "is not inside any of its windows"
            )
        if brk is not None and planned.service_start < brk.end and planned.service_end > brk.start:
            errors.append(f"{name}: service overlaps the break {brk}")
        ride = planned.service_start - route.departure
        if stop.max_ride_seconds is not None and ride > stop.max_ride_seconds:
            errors.append(
                f"{name}: ride time {ride} s from departure, more than {stop.max_ride_seconds} s"
            )
        load += stop.demand
        clock, here = planned.service_end, stop.place
    back = travel[here][worker.end_place]
    total += back
    if route.ret < clock + back or _walk_outside_break(clock, route.ret, brk) < back:
        errors.append(f"{who}: returns before the last walk back can be done")
    if route.ret > shift.end:
        errors.append(f"{who}: returns at {route.ret}, after the shift {shift}")
    if worker.capacity is not None and load > worker.capacity:
        errors.append(f"{who}: load {load} exceeds capacity {worker.capacity}")
    if route.load != load:
        errors.append(f"{who}: load is {route.load}, the stops add up to {load}")
    if route.travel_seconds != total:
        errors.append(f"{who}: travel is {route.travel_seconds} s, the legs add up to {total} s")
    return errors
