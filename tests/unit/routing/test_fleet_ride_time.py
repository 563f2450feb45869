"""Ride-time limits in the fleet router (meal temperature): service must start within
`max_ride_seconds` of the worker's departure; the validator reports any stop that does not."""

from __future__ import annotations

from dataclasses import replace

import pytest

from careroute.domain.vocabulary import TimeWindow
from careroute.routing import (
    FleetProblem,
    FleetStop,
    PlannedStop,
    SolveLimits,
    SolveStatus,
    UnassignedReason,
    Worker,
    WorkerRoute,
    solve_fleet,
    validate_fleet,
)
from careroute.routing.pyvrp_backend import unsupported

LIMITS = SolveLimits(time_limit_ms=2_000, solution_limit=200)
DAY = TimeWindow.parse("10:30", "13:00")
# Places on a line, 300 s apart: 0 is the canteen, 1..6 are homes.
LINE = tuple(tuple(300 * abs(a - b) for b in range(7)) for a in range(7))


def van(worker_id: str, **kw: object) -> Worker:
    return Worker(worker_id, 0, 0, DAY, **kw)  # type: ignore[arg-type]


def meal(stop_id: str, place: int, ride: int | None) -> FleetStop:
    return FleetStop(stop_id, place, (DAY,), service_seconds=60, demand=1, max_ride_seconds=ride)


def test_one_van_cannot_reach_every_home_in_time_so_a_second_van_goes() -> None:
    """Alone, one van would start at the farthest home 6 x 300 + 5 x 60 s after leaving."""
    stops = tuple(meal(f"m{k}", k, ride=2000) for k in range(1, 7))
    problem = FleetProblem((van("a", fixed_cost=10), van("b", fixed_cost=10)), stops, LINE)
    result = solve_fleet(problem, LIMITS)
    assert validate_fleet(problem, result) == []
    assert result.status is SolveStatus.SOLVED, result.notes  # OR-Tools, not the fallback
    assert not result.unassigned and result.workers_used == 2
    for route in result.routes:
        assert all(p.service_start - route.departure <= 2000 for p in route.stops)


def test_without_the_limit_one_van_serves_everyone() -> None:
    stops = tuple(meal(f"m{k}", k, ride=None) for k in range(1, 7))
    problem = FleetProblem((van("a", fixed_cost=10), van("b", fixed_cost=10)), stops, LINE)
    result = solve_fleet(problem, LIMITS)
    assert not result.unassigned and result.workers_used == 1


def test_a_home_too_far_for_the_limit_is_reported_unreachable() -> None:
    problem = FleetProblem((van("a"),), (meal("m6", 6, ride=1000),), LINE)
    result = solve_fleet(problem, LIMITS)
    assert [(u.stop_id, u.reason) for u in result.unassigned] == [
        ("m6", UnassignedReason.UNREACHABLE_IN_WINDOW)
    ]


def test_waiting_for_the_window_counts_as_ride_time() -> None:
    """The meal leaves at 10:30; a home that only opens at 11:00 is 1800 s into the ride."""
    late = replace(meal("m1", 1, ride=1500), windows=(TimeWindow.parse("11:00", "12:00"),))
    result = solve_fleet(FleetProblem((van("a"),), (late,), LINE), LIMITS)
    assert [u.stop_id for u in result.unassigned] == ["m1"]


def test_the_validator_names_a_stop_served_after_its_ride_limit() -> None:
    problem = FleetProblem((van("a"),), (meal("m1", 1, ride=600), meal("m2", 2, ride=600)), LINE)
    start = DAY.start
    stops = (
        PlannedStop("m1", 1, start + 300, start + 300, start + 360, 300),
        PlannedStop("m2", 2, start + 660, start + 660, start + 720, 300),
    )
    route = WorkerRoute("a", stops, start, start + 1320, 1200, 2)
    result = replace(solve_fleet(problem, LIMITS), routes=(route,), unassigned=(),
                     travel_seconds=1200, workers_used=1)  # fmt: skip
    errors = validate_fleet(problem, result)
    assert errors == ["worker a, stop m2: ride time 660 s from departure, more than 600 s"]


def test_pyvrp_declines_ride_limits() -> None:
    stops = (meal("m1", 1, ride=600),)
    assert unsupported(FleetProblem((van("a"),), stops, LINE), stops) == "ride-time limits"


def test_a_negative_ride_limit_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_ride_seconds"):
        meal("m1", 1, ride=-1)
