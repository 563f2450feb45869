"""The independent route validator catches every kind of broken plan, naming the stop.

The plans here are made by hand (not by the router), so the validator is tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from careroute.domain.vocabulary import TimeWindow, parse_clock
from careroute.routing import (
    PlannedStop,
    RouteProblem,
    RouteResult,
    SolveStatus,
    Stop,
    Unassigned,
    UnassignedReason,
    validate_route,
)
from tests.unit.routing.around_the_depot import DEPOT, LUNCH, SHIFT, WALK, at

A = Stop("A", at(300, 0), TimeWindow.parse("08:30", "17:00"), 30 * 60, None)
B = Stop("B", at(0, 400), TimeWindow.parse("13:30", "17:00"), 20 * 60, 5_000)
C = Stop("C", at(-200, 0), TimeWindow.parse("08:30", "12:00"), 40 * 60, 8_000)
D = Stop("D", at(-500, -500), TimeWindow.parse("08:30", "17:00"), 30 * 60, 1_000)

PROBLEM = RouteProblem(
    depot=DEPOT,
    shift=SHIFT,
    lunch_break=LUNCH,
    stops=(A, B, C, D),
    travel=WALK,
    max_stops=3,
)


def valid_plan() -> RouteResult:
    """09:00 depot -> C -> A -> (wait over lunch) B 13:30 -> depot; D left out."""
    clock, here = parse_clock("09:00"), DEPOT
    planned: list[PlannedStop] = []
    for seq, stop in enumerate((C, A, B), start=1):
        leg = WALK.seconds(here, stop.location)
        arrival = clock + leg
        start = max(arrival, stop.window.start)
        planned.append(
            PlannedStop(stop.stop_id, seq, arrival, start, start + stop.service_seconds, leg)
        )
        clock, here = start + stop.service_seconds, stop.location
    back = WALK.seconds(here, DEPOT)
    return RouteResult(
        stops=tuple(planned),
        unassigned=(Unassigned("D", UnassignedReason.MAX_VISITS_REACHED, False),),
        depot_departure=parse_clock("09:00"),
        depot_return=clock + back,
        travel_seconds=sum(p.travel_seconds for p in planned) + back,
        solve_ms=1,
        status=SolveStatus.SOLVED,
    )


def with_stop(result: RouteResult, index: int, **changes: int | str) -> RouteResult:
    stops = list(result.stops)
    stops[index] = replace(stops[index], **changes)  # type: ignore[arg-type]
    return replace(result, stops=tuple(stops))


def test_a_hand_made_valid_plan_has_no_violations() -> None:
    plan = valid_plan()
    assert plan.stops[2].arrival < LUNCH.start  # B waits at the door over lunch: allowed
    assert validate_route(PROBLEM, plan) == []


def shifted(plan: RouteResult, index: int, start: int) -> RouteResult:
    """Move stop `index`'s service to start at `start`, keeping its length."""
    stop = plan.stops[index]
    length = stop.service_end - stop.service_start
    return with_stop(plan, index, service_start=start, service_end=start + length)


Breaker = Callable[[RouteResult], RouteResult]

BROKEN: dict[str, tuple[Breaker, str]] = {
    "arrival ignores the travel time": (
        lambda p: with_stop(p, 1, arrival=p.stops[0].service_end),
        "stop A: arrives at",
    ),
    "service starts before arrival": (
        lambda p: shifted(p, 1, p.stops[1].arrival - 60),
        "stop A: service starts",
    ),
    "service starts before the window": (
        lambda p: shifted(p, 2, parse_clock("13:20")),
        "stop B: service starts",
    ),
    "service ends after the window": (
        lambda p: shifted(p, 0, parse_clock("11:30")),
        "stop C: service ends at 12:10, after its window",
    ),
    "service length differs from the visit": (
        lambda p: with_stop(p, 1, service_end=p.stops[1].service_end - 60),
        "stop A: service ends",
    ),
    "service overlaps the lunch break": (
        lambda p: shifted(p, 1, parse_clock("11:45")),
        "stop A: service 11:45-12:15 overlaps the lunch break",
    ),
    "walk goes through the lunch break": (
        lambda p: with_stop(
            shifted(p, 1, parse_clock("11:25")),
            2,
            arrival=parse_clock("11:55") + p.stops[2].travel_seconds + 60,
        ),
        "stop B: the walk from stop A needs time inside the lunch break",
    ),
    "a stop is planned twice": (
        lambda p: replace(p, stops=(*p.stops, replace(p.stops[1], sequence=4))),
        "stop A: planned more than once",
    ),
    "a stop is planned and unassigned": (
        lambda p: replace(
            p, unassigned=(*p.unassigned, Unassigned("C", UnassignedReason.NO_TIME_LEFT, False))
        ),
        "stop C: both planned and unassigned",
    ),
    "an unknown stop is planned": (
        lambda p: with_stop(p, 0, stop_id="Z"),
        "stop Z: not a stop of this problem",
    ),
    "a mandatory stop is missing": (
        lambda p: replace(p, stops=(p.stops[0], replace(p.stops[2], sequence=2))),
        "stop A: mandatory but neither planned nor unassigned",
    ),
    "sequence numbers skip": (
        lambda p: with_stop(p, 2, sequence=5),
        "stop B: sequence 5, expected 3",
    ),
    "departure before the shift": (
        lambda p: replace(p, depot_departure=parse_clock("08:00")),
        "depot departure 08:00 is before the shift",
    ),
    "return after the shift": (
        lambda p: replace(p, depot_return=parse_clock("17:10")),
        "depot return 17:10 is after the shift ends",
    ),
    "return before the walk back is done": (
        lambda p: replace(p, depot_return=p.stops[-1].service_end),
        "depot return",
    ),
    "a leg's travel is wrong": (
        lambda p: with_stop(p, 1, travel_seconds=p.stops[1].travel_seconds + 30),
        "stop A: travel from stop C is",
    ),
    "the total travel is wrong": (
        lambda p: replace(p, travel_seconds=p.travel_seconds - 1),
        "total travel is",
    ),
    "the unassigned mandatory flag is wrong": (
        lambda p: replace(p, unassigned=(Unassigned("D", UnassignedReason.NO_TIME_LEFT, True),)),
        "stop D: unassigned with the wrong mandatory flag",
    ),
    "more stops than the cap": (
        lambda p: replace(
            p,
            stops=(*p.stops, PlannedStop("D", 4, parse_clock("16:00"), 57_600, 59_400, 0)),
            unassigned=(),
        ),
        "route has 4 stops, more than 3",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_the_validator_catches_a_broken_plan(case: str) -> None:
    breaker, expected = BROKEN[case]
    errors = validate_route(PROBLEM, breaker(valid_plan()))
    assert any(expected in error for error in errors), errors
