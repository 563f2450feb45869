"""PyVRP (iterated local search, one thread) as the fleet router's search for the problems it
models; `fleet_router` falls back to OR-Tools for the others (`unsupported` says why).

PyVRP has no skills, several windows per stop, breaks, continuity, span costs, visit caps or
ride-time limits. It models the rest the same way as OR-Tools: workers who differ only in
name form one vehicle type (start and end place, shift, capacity, fixed cost), a mandatory
stop is a required client, an optional one a client with its penalty as prize, the travel
matrix is distance and duration. PyVRP windows bound the service start, so the latest start
is window end - service. The plan it returns is checked by the fleet router's timing pass
like OR-Tools' plans.

Search in three phases inside the budget (see `search`): a first plan, then fewer workers
while a plan with one route less is found (fleet minimisation), then the distance of the
smallest fleet found. PyVRP's own search values a worker at its fixed cost but, once its
routes settle, rarely empties one: measured on Solomon at 2 s, see docs/benchmarks.md.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from careroute.routing.fleet_model import FleetProblem, FleetStop, Worker
from careroute.routing.model import SolveLimits

if TYPE_CHECKING:
    import pyvrp

FIRST_PLAN_SHARE = 0.2
"""Share of the budget for the first plan with the whole fleet."""
MINIMISE_SHARE = 0.3
"""Share of the budget, after the first plan, for plans with one worker fewer."""
ITERATIONS_PER_SOLUTION = 20
"""With a solution limit, a phase ends after this many iterations per solution without a
better plan: 2,000 iterations matched or beat a 1 s search on 8 to 100 Solomon customers."""


def available() -> bool:
    """PyVRP is installed (it ships in the solver layer beside OR-Tools)."""
    try:
        import pyvrp  # noqa: F401
    except ImportError:
        return False
    return True


def unsupported(problem: FleetProblem, stops: tuple[FleetStop, ...]) -> str | None:
    """Why PyVRP cannot take this problem, or None if it can."""
    if any(w.break_ is not None for w in problem.workers):
        return "breaks"
    if any(len(s.windows) > 1 for s in stops):
        return "several windows per stop"
    if any(s.skills for s in stops) or (
        problem.continuity_penalty and any(s.preferred_worker for s in stops)
    ):
        return "skills or continuity of care"
    if problem.span_cost or any(w.max_stops < len(stops) for w in problem.workers):
        return "span cost or visit caps"
    if any(s.max_ride_seconds is not None for s in stops):
        return "ride-time limits"
    return None


@dataclass(frozen=True)
class _Kind:
    """What PyVRP sees of a worker: workers of one kind are interchangeable."""

    start_place: int
    end_place: int
    shift_start: int
    shift_end: int
    capacity: int | None
    fixed_cost: int

    @staticmethod
    def of(worker: Worker) -> _Kind:
        shift = worker.shift
        return _Kind(
            worker.start_place,
            worker.end_place,
            shift.start,
            shift.end,
            worker.capacity,
            worker.fixed_cost,
        )


def search(
    problem: FleetProblem,
    stops: tuple[FleetStop, ...],
    mandatory_penalty: int,
    limits: SolveLimits,
    seed: int,
) -> list[list[int]] | None:
    """Per worker, the chosen stop numbers (indices into `stops`), or None if no plan.

    Phases: (1) a plan with the whole fleet; (2) with every stop mandatory and one kind of
    worker with a fixed cost, plans with one worker fewer than the last plan used, each search
    ending at its first feasible plan, until none is found or the fleet reaches the capacity
    bound; (3) the cost of the smallest fleet's plan. The cheaper of the plans of (1) and (3)
    is returned (a fixed cost below the travel a worker saves keeps the larger fleet). Without
    a phase 2, phase 3 goes on from the plan of phase 1.
    If phase 1 finds no plan serving every mandatory stop, the rest of the budget searches a
    plan where mandatory stops are optional with `mandatory_penalty` as prize (as OR-Tools
    drops them), so a day that cannot serve them all still gets PyVRP's plan in time.

    With only a time limit the phases share it (FIRST_PLAN_SHARE, MINIMISE_SHARE, the rest).
    With a solution limit each phase ends after ITERATIONS_PER_SOLUTION x that limit
    iterations without a better plan, so plans do not depend on machine load; the time limit
    then only caps the whole search.
    """
    began = time.perf_counter()
    budget = limits.time_limit_ms / 1000
    kinds = list(dict.fromkeys(_Kind.of(w) for w in problem.workers))
    data = _problem_data(problem, stops, kinds)
    shrinkable = len(kinds) == 1 and kinds[0].fixed_cost > 0 and all(s.mandatory for s in stops)

    def deadline(share: float) -> float:
        """When a phase must end: at its share of the budget, or with a solution limit at the
        end of the budget (the stall criterion ends it)."""
        return began + budget * (share if limits.solution_limit is None else 1.0)

    def until(share: float) -> pyvrp.stop.StoppingCriterion:
        """Stop at the phase's deadline or, with a solution limit, when the search stalls."""
        from pyvrp.stop import MaxRuntime, MultipleCriteria, NoImprovement

        clock = MaxRuntime(max(deadline(share) - time.perf_counter(), 0.0))
        if limits.solution_limit is None:
            return clock
        stall = NoImprovement(ITERATIONS_PER_SOLUTION * limits.solution_limit)
        return MultipleCriteria([clock, stall])

    first = _solve(data, until(FIRST_PLAN_SHARE), seed)
    if first is None:
        relaxed = _problem_data(problem, stops, kinds, mandatory_penalty)
        found = _solve(relaxed, until(1.0), seed)
        return None if found is None else _plan(problem, kinds, found)
    if not shrinkable:
        return _plan(problem, kinds, _solve(data, until(1.0), seed, first) or first)
    from pyvrp.stop import FirstFeasible, MultipleCriteria

    best, floor = first, _capacity_bound(stops, kinds[0].capacity)
    shrink_share = FIRST_PLAN_SHARE + MINIMISE_SHARE
    while best.num_routes() > floor and time.perf_counter() < deadline(shrink_share):
        fewer = _with_fleet(data, best.num_routes() - 1)
        smaller = _solve(fewer, MultipleCriteria([FirstFeasible(), until(shrink_share)]), seed)
        if smaller is None:
            break
        data, best = fewer, smaller
    best = _solve(data, until(1.0), seed, best) or best
    return _plan(problem, kinds, min(first, best, key=_cost))


def _problem_data(
    problem: FleetProblem,
    stops: tuple[FleetStop, ...],
    kinds: list[_Kind],
    mandatory_prize: int | None = None,
) -> pyvrp.ProblemData:
    """PyVRP's data: depots, then clients in the order of `stops`, one vehicle type per kind.
    Mandatory stops are required clients, or optional ones with `mandatory_prize` if given."""
    import numpy as np
    import pyvrp

    model = pyvrp.Model()
    depot_places = sorted({p for k in kinds for p in (k.start_place, k.end_place)})
    depots = {p: model.add_depot(model.add_location(0, 0)) for p in depot_places}
    total = sum(s.demand for s in stops)
    for kind in kinds:
        model.add_vehicle_type(
            num_available=sum(1 for w in problem.workers if _Kind.of(w) == kind),
            capacity=total if kind.capacity is None else kind.capacity,
            start_depot=depots[kind.start_place],
            end_depot=depots[kind.end_place],
            fixed_cost=kind.fixed_cost,
            tw_early=kind.shift_start,
            tw_late=kind.shift_end,
        )
    for s in stops:
        model.add_client(
            model.add_location(0, 0),
            delivery=s.demand,
            service_duration=s.service_seconds,
            tw_early=s.windows[0].start,
            tw_late=s.windows[0].end - s.service_seconds,
            required=s.mandatory and mandatory_prize is None,
            prize=(mandatory_prize or 0) if s.penalty is None else s.penalty,
        )
    places = depot_places + [s.place for s in stops]
    travel: Any = np.asarray(problem.travel, dtype=np.int64)[np.ix_(places, places)]
    np.fill_diagonal(travel, 0)  # a stop sharing its place with a depot or another stop
    return model.data().replace(distance_matrices=[travel], duration_matrices=[travel])


def _with_fleet(data: pyvrp.ProblemData, vehicles: int) -> pyvrp.ProblemData:
    """The same problem with `vehicles` workers of its one kind."""
    kind = data.vehicle_type(0).replace(num_available=vehicles)
    return data.replace(vehicle_types=[kind])


def _capacity_bound(stops: tuple[FleetStop, ...], capacity: int | None) -> int:
    """Fewest workers the loads alone need (at least one)."""
    if not capacity:
        return 1
    return max(1, math.ceil(sum(s.demand for s in stops) / capacity))


def _solve(
    data: pyvrp.ProblemData,
    stop: pyvrp.stop.StoppingCriterion,
    seed: int,
    initial: pyvrp.Solution | None = None,
) -> pyvrp.Solution | None:
    """PyVRP's best feasible solution under `stop`, or None.

    A search with one worker too few finds no feasible plan by design; PyVRP warns then that
    its penalties hit their bound, which is no news here."""
    import pyvrp
    from pyvrp.exceptions import PenaltyBoundWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = pyvrp.solve(data, stop, seed=seed, collect_stats=False, initial_solution=initial)
    return result.best if result.best.is_feasible() else None


def _cost(solution: pyvrp.Solution) -> int:
    """Travel and fixed costs of a feasible solution serving every stop (the objective when
    every stop is mandatory)."""
    return int(solution.distance_cost() + solution.fixed_vehicle_cost())


def _plan(problem: FleetProblem, kinds: list[_Kind], solution: pyvrp.Solution) -> list[list[int]]:
    """Routes handed to the workers of each route's kind, in the problem's worker order."""
    free = {k: [v for v, w in enumerate(problem.workers) if _Kind.of(w) == k] for k in kinds}
    plan: list[list[int]] = [[] for _ in problem.workers]
    for route in solution.routes():
        worker = free[kinds[route.vehicle_type()]].pop(0)
        plan[worker] = [a.idx for a in route.schedule() if a.is_client()]
    return plan
