"""The fleet router (multi-vehicle VRPTW): rules, preferences, validator, fallback, optimality."""

from __future__ import annotations

from dataclasses import replace

import pytest

from benchmarks.solomon import exhaustive_optimum, read_solomon, to_fleet_problem
from careroute.domain.vocabulary import TimeWindow
from careroute.routing import (
    FleetProblem,
    FleetResult,
    FleetStop,
    SolveLimits,
    SolveStatus,
    UnassignedReason,
    Worker,
    fleet_router,
    pyvrp_backend,
    solve_fleet,
    validate_fleet,
)
from careroute.routing.fleet_router import SMALL_FLEET_DAY
from careroute.routing.pyvrp_backend import available
from careroute_local.paths import REFERENCE_DATA

SOLOMON = REFERENCE_DATA / "vrptw" / "solomon"
needs_solomon = pytest.mark.skipif(
    not SOLOMON.is_dir(),
    reason=f"Solomon instances not found at {SOLOMON} (beside the checkout, or set "
    "CAREROUTE_REFERENCE_DATA)",
)
LIMITS = SolveLimits(time_limit_ms=5_000, solution_limit=200)
ONE_STOP_LIMITS = SolveLimits(time_limit_ms=300)
"""A day of one stop has one route: the search finds no other solution to count towards a
solution limit and would run out the whole time limit."""
DAY = TimeWindow.parse("08:00", "17:00")
# Places on a line, 600 s apart: 0 is the office, 1..4 are homes.
LINE = tuple(tuple(600 * abs(a - b) for b in range(5)) for a in range(5))


def worker(worker_id: str, **kw: object) -> Worker:
    return Worker(worker_id, 0, 0, DAY, **kw)  # type: ignore[arg-type]


def home(stop_id: str, place: int, **kw: object) -> FleetStop:
    kw.setdefault("windows", (DAY,))
    return FleetStop(stop_id, place, service_seconds=1800, **kw)  # type: ignore[arg-type]


BACKENDS = [
    "ortools",
    pytest.param("pyvrp", marks=pytest.mark.skipif(not available(), reason="no PyVRP")),
]
"""The searches behind `solve_fleet` for the problems both model (auto picks PyVRP)."""


def solve_valid(
    problem: FleetProblem, limits: SolveLimits = LIMITS, backend: str = "auto"
) -> FleetResult:
    result = solve_fleet(problem, limits, backend=backend)
    assert validate_fleet(problem, result) == []
    return result


def served_by(result: FleetResult) -> dict[str, str]:
    return {p.stop_id: r.worker_id for r in result.routes for p in r.stops}


@pytest.mark.parametrize("backend", BACKENDS)
def test_capacity_splits_the_stops_between_workers(backend: str) -> None:
    stops = tuple(home(f"h{k}", k, demand=1) for k in range(1, 5))
    problem = FleetProblem((worker("a", capacity=2), worker("b", capacity=2)), stops, LINE)
    result = solve_valid(problem, backend=backend)
    assert result.workers_used == 2 and not result.unassigned
    assert all(r.load <= 2 for r in result.routes)


def test_a_stop_needing_a_skill_goes_to_the_worker_who_has_it() -> None:
    stops = (home("h1", 1, skills=frozenset({"dementia"})), home("h2", 2))
    workers = (worker("a"), worker("b", skills=frozenset({"dementia"})))
    result = solve_valid(FleetProblem(workers, stops, LINE))
    assert served_by(result)["h1"] == "b"


def test_skills_are_kept_by_the_search_itself_not_only_by_the_fallback() -> None:
    stops = (home("h1", 1, skills=frozenset({"dementia"})), home("h2", 2))
    workers = (worker("a"), worker("b", skills=frozenset({"dementia"})))
    result = solve_valid(FleetProblem(workers, stops, LINE))
    assert result.status is SolveStatus.SOLVED, result.notes
    assert served_by(result)["h1"] == "b"


def test_a_stop_nobody_is_qualified_for_is_reported() -> None:
    stops = (home("h1", 1, skills=frozenset({"nurse"})),)
    result = solve_valid(FleetProblem((worker("a"),), stops, LINE))
    assert [(u.stop_id, u.reason) for u in result.unassigned] == [
        ("h1", UnassignedReason.NO_QUALIFIED_WORKER)
    ]


def test_one_of_several_windows_is_used() -> None:
    windows = (TimeWindow.parse("08:00", "08:10"), TimeWindow.parse("15:00", "16:00"))
    problem = FleetProblem((worker("a"),), (home("h1", 1, windows=windows),), LINE)
    result = solve_valid(problem, ONE_STOP_LIMITS)
    start = result.routes[0].stops[0].service_start
    assert TimeWindow.parse("15:00", "16:00").start <= start


def test_no_service_during_a_workers_break() -> None:
    brk = TimeWindow.parse("12:00", "13:00")
    windows = (TimeWindow.parse("11:50", "13:40"),)
    problem = FleetProblem((worker("a", break_=brk),), (home("h1", 1, windows=windows),), LINE)
    planned = solve_valid(problem, ONE_STOP_LIMITS).routes[0].stops[0]
    assert planned.service_start >= brk.end or planned.service_end <= brk.start


@pytest.mark.parametrize("backend", BACKENDS)
def test_fixed_cost_makes_one_worker_do_everything(backend: str) -> None:
    stops = tuple(home(f"h{k}", k) for k in range(1, 4))
    workers = (worker("a", fixed_cost=100_000), worker("b", fixed_cost=100_000))
    result = solve_valid(FleetProblem(workers, stops, LINE), backend=backend)
    assert result.workers_used == 1 and result.backend == backend


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("fixed_cost", "workers_used"), [(0, 2), (1_000, 2), (10_000, 1)])
def test_a_worker_is_saved_only_when_the_fixed_cost_outweighs_the_travel(
    backend: str, fixed_cost: int, workers_used: int
) -> None:
    # Between the two homes costs 10,000 s: two routes travel 3,600 s, one route 11,800 s.
    travel = ((0, 600, 1200), (600, 0, 10_000), (1200, 10_000, 0))
    workers = tuple(worker(w, fixed_cost=fixed_cost) for w in "abc")
    problem = FleetProblem(workers, (home("h1", 1), home("h2", 2)), travel)
    result = solve_valid(problem, backend=backend)
    assert result.workers_used == workers_used
    assert result.cost == min(3600 + 2 * fixed_cost, 11_800 + fixed_cost)


def test_continuity_preference_is_respected_when_it_is_free() -> None:
    stops = (home("h1", 1, preferred_worker="b"), home("h2", 2, preferred_worker="a"))
    problem = FleetProblem((worker("a"), worker("b")), stops, LINE, continuity_penalty=5_000)
    assert served_by(solve_valid(problem)) == {"h1": "b", "h2": "a"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_optional_stop_not_worth_its_travel_is_dropped(backend: str) -> None:
    stops = (home("h1", 1), home("h4", 4, penalty=10))
    result = solve_valid(FleetProblem((worker("a"),), stops, LINE), backend=backend)
    assert [u.stop_id for u in result.unassigned] == ["h4"]


def test_the_validator_catches_a_broken_fleet_plan() -> None:
    stops = (home("h1", 1, skills=frozenset({"dementia"}), demand=3), home("h2", 2))
    workers = (worker("a", capacity=2), worker("b", skills=frozenset({"dementia"}), capacity=5))
    problem = FleetProblem(workers, stops, LINE)
    result = solve_valid(problem)
    a, b = result.routes
    swapped = replace(result, routes=(replace(a, stops=b.stops), replace(b, stops=a.stops)))
    errors = validate_fleet(problem, swapped)
    assert any("needs skills" in e for e in errors)
    assert any("exceeds capacity" in e for e in errors)
    late = replace(b.stops[0], service_start=17 * 3600, service_end=17 * 3600 + 1800)
    errors = validate_fleet(problem, replace(result, routes=(a, replace(b, stops=(late,)))))
    assert any("not inside any of its windows" in e for e in errors)
    assert any(
        "mandatory but neither" in e
        for e in validate_fleet(
            problem, replace(result, routes=(replace(a, stops=()), replace(b, stops=())))
        )
    )


def test_a_solver_failure_falls_back_to_a_valid_constructive_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: object, params: object) -> None:
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(fleet_router.pywrapcp.RoutingModel, "SolveWithParameters", broken)
    stops = tuple(home(f"h{k}", k, demand=1) for k in range(1, 5))
    problem = FleetProblem((worker("a", capacity=3), worker("b", capacity=3)), stops, LINE)
    result = solve_fleet(problem, LIMITS, backend="ortools")
    assert result.status is SolveStatus.FALLBACK and result.backend == "constructive"
    assert validate_fleet(problem, result) == [] and not result.unassigned


@needs_solomon
def test_auto_keeps_ortools_for_a_small_day_and_takes_pyvrp_for_a_larger_one() -> None:
    pytest.importorskip("pyvrp", reason="PyVRP not installed")
    r201 = read_solomon(SOLOMON / "R201.txt")
    limits = SolveLimits(time_limit_ms=20_000, solution_limit=20)
    for customers, backend in ((SMALL_FLEET_DAY, "ortools"), (SMALL_FLEET_DAY + 1, "pyvrp")):
        problem = to_fleet_problem(r201.head(customers))
        result = solve_fleet(problem, limits)
        assert result.backend == backend and result.notes == ()
        assert validate_fleet(problem, result) == []


def test_pyvrp_plans_a_day_that_cannot_serve_every_mandatory_stop() -> None:
    pytest.importorskip("pyvrp", reason="PyVRP not installed")
    # Six 30-minute visits that must all start between 09:00 and 10:00: two fit.
    narrow = (TimeWindow.parse("09:00", "10:30"),)
    stops = tuple(home(f"h{k}", 1 + k % 4, windows=narrow) for k in range(6))
    problem = FleetProblem((worker("a"),), stops, LINE)
    result = solve_fleet(problem, LIMITS, backend="pyvrp")
    assert result.backend == "pyvrp" and validate_fleet(problem, result) == []
    assert len(result.routes[0].stops) == 2 and len(result.unassigned) == 4
    assert all(u.mandatory for u in result.unassigned)


def test_a_pyvrp_failure_hands_the_problem_to_ortools(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyvrp", reason="PyVRP not installed")

    def broken(*args: object) -> None:
        raise RuntimeError("search crashed")

    monkeypatch.setattr(pyvrp_backend, "search", broken)
    stops = tuple(home(f"h{k}", k, demand=1) for k in range(1, 5))
    problem = FleetProblem((worker("a", capacity=3), worker("b", capacity=3)), stops, LINE)
    result = solve_fleet(problem, LIMITS, backend="pyvrp")
    assert result.status is SolveStatus.SOLVED and result.backend == "ortools"
    assert any("PyVRP failed" in note and "search crashed" in note for note in result.notes)
    assert validate_fleet(problem, result) == [] and not result.unassigned


@needs_solomon
def test_the_solomon_reader_parses_c101() -> None:
    inst = read_solomon(SOLOMON / "C101.txt")
    assert (inst.n_customers, inst.capacity, inst.vehicles) == (100, 200, 25)
    assert (inst.x[0], inst.y[0], inst.due[0]) == (40, 50, 1236)


@needs_solomon
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["C101", "R101", "RC101", "R201"])
def test_the_router_finds_the_exhaustive_optimum_of_eight_solomon_customers(
    name: str, backend: str
) -> None:
    inst = read_solomon(SOLOMON / f"{name}.txt").head(8)
    problem = to_fleet_problem(inst)
    result = solve_valid(problem, backend=backend)
    assert result.cost == exhaustive_optimum(inst) and result.backend == backend


@needs_solomon
def test_the_pyvrp_backend_finds_the_exhaustive_optimum_too() -> None:
    pytest.importorskip("pyvrp", reason="optional extra 'bench'")
    inst = read_solomon(SOLOMON / "RC101.txt").head(8)
    problem = to_fleet_problem(inst)
    result = solve_fleet(problem, SolveLimits(time_limit_ms=500), backend="pyvrp")
    assert validate_fleet(problem, result) == [] and result.notes == ()
    assert result.cost == exhaustive_optimum(inst)


def test_the_pyvrp_backend_hands_what_it_cannot_model_to_ortools() -> None:
    pytest.importorskip("pyvrp", reason="optional extra 'bench'")
    stops = (home("h1", 1, skills=frozenset({"dementia"})), home("h2", 2))
    workers = (worker("a"), worker("b", skills=frozenset({"dementia"})))
    problem = FleetProblem(workers, stops, LINE)
    result = solve_fleet(problem, LIMITS, backend="pyvrp")
    assert served_by(result)["h1"] == "b" and validate_fleet(problem, result) == []
    assert any("OR-Tools used" in note for note in result.notes)


@needs_solomon
def test_with_a_solution_limit_the_pyvrp_plan_does_not_depend_on_the_clock() -> None:
    pytest.importorskip("pyvrp", reason="PyVRP not installed")
    problem = to_fleet_problem(read_solomon(SOLOMON / "R201.txt").head(15))
    limits = SolveLimits(time_limit_ms=20_000, solution_limit=50)
    first, again = (solve_fleet(problem, limits, backend="pyvrp") for _ in range(2))
    assert first.backend == "pyvrp" and first.solve_ms < limits.time_limit_ms
    assert again.routes == first.routes
