"""An independent check of a planned day, run before any route is stored.

Its own arithmetic from the problem alone; it shares no code with the router, so a bug in one
is caught by the other. Each violation is a sentence naming the stop; no violations = valid.

Lunch rule: no visit is in service during the break, and no walking either: a walk that spans
the break must take its travel time outside the break (the steward pauses for lunch).
"""

from __future__ import annotations

from careroute.domain.vocabulary import TimeWindow
from careroute.routing.model import RouteProblem, RouteResult


def validate_route(problem: RouteProblem, result: RouteResult) -> list[str]:
    """Every way `result` breaks `problem`'s rules, as readable sentences."""
    errors: list[str] = []
    errors += _check_ids(problem, result)
    errors += _check_timeline(problem, result)
    return errors


def _check_ids(problem: RouteProblem, result: RouteResult) -> list[str]:
    errors: list[str] = []
    known = {s.stop_id: s for s in problem.stops}
    planned_ids = [p.stop_id for p in result.stops]
    unassigned_ids = [u.stop_id for u in result.unassigned]
    for stop_id in planned_ids + unassigned_ids:
        if stop_id not in known:
            errors.append(f"stop {stop_id}: not a stop of this problem")
    for label, ids in (("planned", planned_ids), ("unassigned", unassigned_ids)):
        seen: set[str] = set()
        for stop_id in ids:
            if stop_id in seen:
                errors.append(f"stop {stop_id}: {label} more than once")
            seen.add(stop_id)
    for stop_id in sorted(set(planned_ids) & set(unassigned_ids)):
        errors.append(f"stop {stop_id}: both planned and unassigned")
    accounted = set(planned_ids) | set(unassigned_ids)
    for stop in problem.stops:
        if stop.mandatory and stop.stop_id not in accounted:
            errors.append(f"stop {stop.stop_id}: mandatory but neither planned nor unassigned")
    for item in result.unassigned:
        original = known.get(item.stop_id)
        if original is not None and item.mandatory != original.mandatory:
            errors.append(f"stop {item.stop_id}: unassigned with the wrong mandatory flag")
    for position, planned in enumerate(result.stops, start=1):
        if planned.sequence != position:
            errors.append(
                f"stop {planned.stop_id}: sequence {planned.sequence}, expected {position}"
            )
    if len(result.stops) > problem.max_stops:
        errors.append(f"route has {len(result.stops)} stops, more than {problem.max_stops}")
    return errors


def _clock(seconds: int) -> str:
    """'09:05', or '09:05:30' when the seconds matter."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _walk_outside_break(start: int, end: int, lunch: TimeWindow | None) -> int:
    """Seconds in [start, end] outside the lunch break (time in which one can walk)."""
    span = max(0, end - start)
    if lunch is None:
        return span
    overlap = max(0, min(end, lunch.end) - max(start, lunch.start))
    return span - overlap


def _check_leg(
    arriving: str,
    walk: str,
    here_name: str,
    left: int,
    arrived: int,
    leg: int,
    lunch: TimeWindow | None,
) -> list[str]:
    """A leg of `leg` seconds, left at `left` and arrived at `arrived`, must fit between them,
    outside the lunch break; `arriving` and `walk` start the sentences that say it does not."""
    if arrived < left + leg:
        return [f"{arriving} before leaving {here_name} at {_clock(left)} plus {leg} s of travel"]
    if _walk_outside_break(left, arrived, lunch) < leg:
        return [f"{walk} from {here_name} needs time inside the lunch break"]
    return []


def _check_timeline(problem: RouteProblem, result: RouteResult) -> list[str]:
    errors: list[str] = []
    shift, lunch = problem.shift, problem.lunch_break
    known = {s.stop_id: s for s in problem.stops}
    clock = result.depot_departure
    here, here_name = problem.depot, "the depot"
    total_travel = 0
    if result.depot_departure < shift.start:
        errors.append(
            f"depot departure {_clock(result.depot_departure)} is before the shift "
            f"starts at {_clock(shift.start)}"
        )
    for planned in result.stops:
        stop = known.get(planned.stop_id)
        if stop is None:
            continue  # already reported as unknown
        name = f"stop {stop.stop_id}"
        leg = problem.travel.seconds(here, stop.location)
        total_travel += leg
        if planned.travel_seconds != leg:
            errors.append(
                f"{name}: travel from {here_name} is {planned.travel_seconds} s, "
                f"the travel model says {leg} s"
            )
        errors += _check_leg(
            f"{name}: arrives at {_clock(planned.arrival)},",
            f"{name}: the walk",
            here_name,
            clock,
            planned.arrival,
            leg,
            lunch,
        )
        if planned.service_start < max(planned.arrival, stop.window.start):
            errors.append(
                f"{name}: service starts at {_clock(planned.service_start)}, before "
                f"arrival {_clock(planned.arrival)} or window start "
                f"{_clock(stop.window.start)}"
            )
        if planned.service_end != planned.service_start + stop.service_seconds:
            errors.append(
                f"{name}: service ends at {_clock(planned.service_end)}, but it starts at "
                f"{_clock(planned.service_start)} and lasts {stop.service_seconds} s"
            )
        if planned.service_end > stop.window.end:
            errors.append(
                f"{name}: service ends at {_clock(planned.service_end)}, after its "
                f"window {stop.window}"
            )
        if (
            lunch is not None
            and planned.service_start < lunch.end
            and planned.service_end > lunch.start
        ):
            errors.append(
                f"{name}: service {_clock(planned.service_start)}-"
                f"{_clock(planned.service_end)} overlaps the lunch break {lunch}"
            )
        clock, here, here_name = planned.service_end, stop.location, name
    back = problem.travel.seconds(here, problem.depot)
    total_travel += back
    errors += _check_leg(
        f"depot return {_clock(result.depot_return)} is",
        "the walk back",
        here_name,
        clock,
        result.depot_return,
        back,
        lunch,
    )
    if result.depot_return > shift.end:
        errors.append(
            f"depot return {_clock(result.depot_return)} is after the shift ends at "
            f"{_clock(shift.end)}"
        )
    if result.travel_seconds != total_travel:
        errors.append(
            f"total travel is {result.travel_seconds} s, the legs add up to {total_travel} s"
        )
    return errors
