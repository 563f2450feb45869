"""Several workers' days (multi-vehicle VRPTW). One entry, `solve_fleet`.

Two searches: PyVRP (pyvrp_backend) for days of more than SMALL_FLEET_DAY stops that use
only what it models (capacities, one window per stop, fixed costs, optional stops), where it
found fewer workers and shorter routes than OR-Tools on Solomon at equal time; OR-Tools, as
below, for everything else (skills, breaks, several windows, continuity, span cost, visit caps,
ride-time limits), for small days, and whenever PyVRP fails. Both plans pass the same timing
pass; `FleetResult.backend` says which made the plan.

OR-Tools model (integers; see fleet_model for the objective)
- Node k < n is candidate stop k; worker v starts at node n + 2v and ends at n + 2v + 1.
- Arc cost = travel (one transit matrix); with continuity preferences, each worker gets its own
  matrix where leaving a stop preferred for someone else costs `continuity_penalty` more.
- Fixed cost per worker used: `SetFixedCostOfVehicle`.
- Time dimension as the daily router: transit = service(i) + travel(i, j), slack = waiting;
  a stop's service start lies in one of its windows (cumul range with the gaps removed);
  worker start and end inside the shift; the break via `SetBreakIntervalsOfVehicle` (same
  rule as the daily router: no service in it, a walk meeting it pauses).
  Balanced workload: global span cost on this dimension.
- Ride-time limits (`FleetStop.max_ride_seconds`): every worker leaves at its shift start
  (as the timing pass does), and a "ride" dimension with the time dimension's transits and
  slacks, starting at 0, measures time since departure; its cumul at a stop is capped.
- Capacity and visit caps: dimensions with per-worker capacities. Skills: allowed vehicles.
- Optional stops: disjunction with their penalty; mandatory stops with a penalty above any
  plan's cost, so they are reported unassigned rather than making the model infeasible.

Search: parallel cheapest insertion, then guided local search (up to 15 stops) or iterated
local search with SISR ruin (larger), until `limits`; measured, see `_fleet_parameters`.
Determinism and `seed`: as the daily router.
If neither search gives a plan that passes the timing pass, a constructive plan (cheapest
feasible insertion, mandatory stops first) is returned with status FALLBACK.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_parameters_pb2

from careroute.routing.fleet_model import FleetProblem, FleetResult, FleetStop, WorkerRoute
from careroute.routing.fleet_timing import route_timing
from careroute.routing.model import (
    PlannedStop,
    SolveLimits,
    SolveStatus,
    Unassigned,
    UnassignedReason,
)
from careroute.routing.ortools_router import (
    _SMALL_DAY,
    _search_parameters,
    guarded_search,
    run_search,
)
from careroute.routing.route_day import MAX_OBJECTIVE

Plan = list[list[int]]
"""Per worker, the candidate stop numbers in visiting order."""
BACKENDS = ("auto", "pyvrp", "ortools")
SMALL_FLEET_DAY = 25
"""Up to this many candidate stops "auto" keeps OR-Tools. Measured on the first 5 to 60
customers of R101, RC201 and C101 with `default_limits` (loaded machine): both searches reach
the same cost up to 25 stops, OR-Tools in 0.1-0.8 s and PyVRP in 0.2-1.0 s (and its first
import takes ~0.25 s more); from 40 stops PyVRP's cost is lower, at 60 with one worker fewer
on R101 and RC201. Small days are the latency-sensitive ones (urgent cover, same-day
dispatch) and those where OR-Tools' optimality is proven (tests/unit/routing/test_fleet.py)."""


@dataclass(frozen=True)
class _Fleet:
    problem: FleetProblem
    stops: tuple[FleetStop, ...]
    """The candidates: each feasible alone for at least one worker."""
    allowed: tuple[tuple[int, ...], ...]
    """Per candidate, the workers who can serve it alone."""
    mandatory_penalty: int


def solve_fleet(
    problem: FleetProblem, limits: SolveLimits, seed: int = 0, backend: str = "auto"
) -> FleetResult:
    """Plan every worker's day: who visits which stops, in which order, at what times.

    `backend` "auto" searches with PyVRP (see pyvrp_backend) when it is installed, the problem
    has more than SMALL_FLEET_DAY candidate stops and uses only what PyVRP models, else with
    OR-Tools; "pyvrp" takes PyVRP whatever the size and notes why OR-Tools took over, if it
    did; "ortools" always uses OR-Tools. `FleetResult.backend` says which search made the plan.
    Never raises for an infeasible problem: stops that cannot be served are unassigned with a
    reason. Raises ValueError for penalties too large for the 64-bit objective or an unknown
    backend.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: one of {', '.join(BACKENDS)}")
    began = time.perf_counter()
    fleet, unassigned = _screen(problem, seed)
    status, notes = SolveStatus.SOLVED, []
    plan, failure, made_by = None, "", "pyvrp"
    small = len(fleet.stops) <= SMALL_FLEET_DAY
    if backend == "pyvrp" or (backend == "auto" and not small):
        plan, failure, note = _try_pyvrp(fleet, limits, seed, explain=backend == "pyvrp")
        notes += [note] if note else []
    if plan is None:
        made_by = "ortools"
        plan, failure = _try_search(fleet, limits)
    if plan is None:
        made_by = "constructive"
        status, notes = SolveStatus.FALLBACK, [*notes, failure, "constructive plan used"]
        plan = _construct(fleet)
    return _result(fleet, plan, unassigned, status, notes, began, made_by)


def _screen(problem: FleetProblem, seed: int) -> tuple[_Fleet, list[Unassigned]]:
    """Keep stops some worker can serve alone; report the others with the reason."""
    candidates: list[tuple[FleetStop, tuple[int, ...]]] = []
    unassigned: list[Unassigned] = []
    for stop in problem.stops:
        qualified = [v for v, w in enumerate(problem.workers) if w.can_serve(stop)]
        able = tuple(v for v in qualified if route_timing(problem, problem.workers[v], [stop]))
        if able:
            candidates.append((stop, able))
            continue
        reason = (
            UnassignedReason.UNREACHABLE_IN_WINDOW
            if qualified
            else UnassignedReason.NO_QUALIFIED_WORKER
        )
        unassigned.append(Unassigned(stop.stop_id, reason, stop.mandatory))
    if seed:
        random.Random(seed).shuffle(candidates)
    optional = sum(s.penalty or 0 for s, _ in candidates)
    longest = max((max(row) for row in problem.travel), default=0)
    n = len(candidates) + 2
    worst = (
        optional
        + sum(w.fixed_cost for w in problem.workers)
        + problem.continuity_penalty * n
        + problem.span_cost * max(w.shift.seconds for w in problem.workers)
        + n * longest
    )
    mandatory_penalty = worst + 1
    if mandatory_penalty * n >= MAX_OBJECTIVE:
        raise ValueError("penalties or costs are too large for the solver's 64-bit objective")
    fleet = _Fleet(
        problem,
        tuple(s for s, _ in candidates),
        tuple(a for _, a in candidates),
        mandatory_penalty,
    )
    return fleet, unassigned


def _try_search(fleet: _Fleet, limits: SolveLimits) -> tuple[Plan | None, str]:
    """OR-Tools' plan, or None and why not."""
    if not fleet.stops:
        return [[] for _ in fleet.problem.workers], ""
    return guarded_search(
        lambda: _search(fleet, limits), lambda plan: _plan_fits(fleet, plan), "plan"
    )


def _try_pyvrp(
    fleet: _Fleet, limits: SolveLimits, seed: int, explain: bool
) -> tuple[Plan | None, str, str]:
    """PyVRP's plan (or None, why not) and, if `explain`, a note when OR-Tools has to take
    over (PyVRP not installed, or the problem uses what PyVRP cannot model)."""
    from careroute.routing import pyvrp_backend

    if not fleet.stops:
        return [[] for _ in fleet.problem.workers], "", ""
    reason = pyvrp_backend.unsupported(fleet.problem, fleet.stops)
    if reason is None and not pyvrp_backend.available():
        reason = "anything here: it is not installed"
    if reason is not None:
        return None, "", f"PyVRP cannot model {reason}: OR-Tools used" if explain else ""

    def run() -> Plan | None:
        stops, penalty = fleet.stops, fleet.mandatory_penalty
        return pyvrp_backend.search(fleet.problem, stops, penalty, limits, seed)

    def fits(plan: Plan | None) -> bool:
        return plan is not None and _plan_fits(fleet, plan)

    plan, failure = guarded_search(run, fits, "plan")
    failure = failure.replace("OR-Tools", "PyVRP")
    note = f"{failure}; OR-Tools used" if plan is None else ""
    return plan, failure, note


def _plan_fits(fleet: _Fleet, plan: Plan) -> bool:
    problem = fleet.problem
    return all(
        route_timing(problem, worker, [fleet.stops[k] for k in route]) is not None
        for worker, route in zip(problem.workers, plan, strict=True)
    )


def _search(fleet: _Fleet, limits: SolveLimits) -> Plan | None:
    """Solve with OR-Tools; per worker the chosen stop numbers, or None if no plan."""
    problem, stops, workers = fleet.problem, fleet.stops, fleet.problem.workers
    n, n_workers = len(stops), len(workers)
    places = [s.place for s in stops]
    for w in workers:
        places += [w.start_place, w.end_place]
    starts = [n + 2 * v for v in range(n_workers)]
    ends = [n + 2 * v + 1 for v in range(n_workers)]
    manager = pywrapcp.RoutingIndexManager(len(places), n_workers, starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    travel = [[problem.travel[a][b] for b in places] for a in places]
    _set_arc_costs(fleet, routing, travel)
    for v, w in enumerate(workers):
        routing.SetFixedCostOfVehicle(w.fixed_cost, v)

    service = [s.service_seconds for s in stops] + [0] * (2 * n_workers)
    work = [[service[i] + t for t in row] for i, row in enumerate(travel)]
    horizon = max(w.shift.end for w in workers)
    work_transit = routing.RegisterTransitMatrix(work)
    routing.AddDimension(work_transit, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    time_dim.SetGlobalSpanCostCoefficient(problem.span_cost)
    visit = [service[manager.IndexToNode(i)] for i in range(routing.Size())]
    for v, w in enumerate(workers):
        for index in (routing.Start(v), routing.End(v)):
            time_dim.CumulVar(index).SetRange(w.shift.start, w.shift.end)
        if w.break_ is not None and w.break_.seconds > 0:
            brk = routing.solver().FixedDurationIntervalVar(
                w.break_.start, w.break_.start, w.break_.seconds, False, f"break{v}"
            )
            time_dim.SetBreakIntervalsOfVehicle([brk], v, visit)
    for k, stop in enumerate(stops):
        index = manager.NodeToIndex(k)
        ranges = [(w.start, w.end - stop.service_seconds) for w in stop.windows]
        ranges = [(a, b) for a, b in ranges if a <= b]
        cumul = time_dim.CumulVar(index)
        cumul.SetRange(ranges[0][0], ranges[-1][1])
        for (_, gap_start), (gap_end, _) in itertools.pairwise(ranges):
            cumul.RemoveInterval(gap_start + 1, gap_end - 1)
        if len(fleet.allowed[k]) < n_workers:
            # The allowed workers, or -1 (dropped). SetAllowedVehiclesForIndex would say the
            # same, but OR-Tools 9.15's Python wrapper rejects every list given to it.
            routing.VehicleVar(index).SetValues([-1, *fleet.allowed[k]])
        penalty = fleet.mandatory_penalty if stop.penalty is None else stop.penalty
        routing.AddDisjunction([index], penalty)
    if any(s.max_ride_seconds is not None for s in stops):
        _limit_ride_times(fleet, routing, manager, work_transit, horizon)

    if any(w.capacity is not None for w in workers):
        total = sum(s.demand for s in stops)
        demand = routing.RegisterUnaryTransitVector([s.demand for s in stops] + [0] * 2 * n_workers)
        caps = [total if w.capacity is None else w.capacity for w in workers]
        routing.AddDimensionWithVehicleCapacity(demand, 0, caps, True, "load")
    if any(w.max_stops < n for w in workers):
        counts = routing.RegisterUnaryTransitVector([1] * n + [0] * 2 * n_workers)
        caps = [min(w.max_stops, n) for w in workers]
        routing.AddDimensionWithVehicleCapacity(counts, 0, caps, True, "visits")

    small = n <= _SMALL_DAY
    ride_limited = any(s.max_ride_seconds is not None for s in stops)
    params = _fleet_parameters(limits, small, ride_limited)
    solution = run_search(routing, params, small)
    if solution is None:
        return None
    plan: Plan = []
    for v in range(n_workers):
        route: list[int] = []
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        plan.append(route)
    return plan


def _limit_ride_times(
    fleet: _Fleet,
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    work_transit: int,
    horizon: int,
) -> None:
    """Cap the time from departure to each limited stop's service start.

    Departure is pinned to the shift start (the timing pass leaves then too; waiting at the
    first stop is the same plan). The ride dimension repeats the time dimension's transits
    and, by constraint, its slacks (waiting and breaks), from 0 at the start: its cumul at a
    stop is service start minus departure, whichever worker serves it.
    """
    time_dim = routing.GetDimensionOrDie("time")
    routing.AddDimension(work_transit, horizon, horizon, True, "ride")
    ride_dim = routing.GetDimensionOrDie("ride")
    for v, w in enumerate(fleet.problem.workers):
        time_dim.CumulVar(routing.Start(v)).SetValue(w.shift.start)
    solver = routing.solver()
    for index in range(routing.Size()):
        solver.Add(ride_dim.SlackVar(index) == time_dim.SlackVar(index))
    for k, stop in enumerate(fleet.stops):
        if stop.max_ride_seconds is not None:
            ride_dim.CumulVar(manager.NodeToIndex(k)).SetMax(stop.max_ride_seconds)


def _fleet_parameters(
    limits: SolveLimits, small: bool, ride_limited: bool = False
) -> routing_parameters_pb2.RoutingSearchParameters:
    """The daily router's parameters, with parallel cheapest insertion (builds all routes at
    once) and, for larger problems, SISR ruin (slack induction by string removals: strings of
    up to 10 visits cut from neighbouring routes) in the iterated local search.

    Measured at 2 s on C103, C109, C204, R104, R105, R110, R201, RC105, RC201: GLS (the daily
    router's small-day search) left C1 instances 5-23 % above BKS where ILS reached it; ILS
    with SISR used 1 vehicle fewer on RC105 and ~0.4 % less distance than ILS with the daily
    router's random-walk ruin, and both together were worse than either alone.

    With ride-time limits the first plan is built arc by arc (path cheapest arc): insertion
    with the ride dimension's slack links found no plan within 10 s for 207 orders (path
    cheapest arc: 0.3 s), and at 1 s on 8 synthetic canteens (21-104 orders) it fell back on
    the 3 largest, where path cheapest arc used 1-2 vehicles fewer (benchmarks/meal_routes.py).
    """
    params = _search_parameters(limits, small)
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
        if ride_limited
        else routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    if not small:
        ruin_recreate = params.iterated_local_search_parameters.ruin_recreate_parameters
        del ruin_recreate.ruin_strategies[:]
        sisr = ruin_recreate.ruin_strategies.add().sisr
        sisr.max_removed_sequence_size = 10
        sisr.avg_num_removed_visits = 10
        sisr.bypass_factor = 0.01
    return params


def _set_arc_costs(fleet: _Fleet, routing: pywrapcp.RoutingModel, travel: list[list[int]]) -> None:
    """Travel for all; with continuity, a surcharge on leaving a stop preferred for another."""
    problem = fleet.problem
    preferred = [s.preferred_worker for s in fleet.stops]
    if problem.continuity_penalty == 0 or not any(preferred):
        routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(travel))
        return
    for v, w in enumerate(problem.workers):
        matrix = [
            [t + problem.continuity_penalty for t in row]
            if i < len(preferred) and preferred[i] not in (None, w.worker_id)
            else row
            for i, row in enumerate(travel)
        ]
        routing.SetArcCostEvaluatorOfVehicle(routing.RegisterTransitMatrix(matrix), v)


def _construct(fleet: _Fleet) -> Plan:
    """Cheapest feasible insertion over all workers: mandatory stops first, then by penalty."""
    problem = fleet.problem
    plan: Plan = [[] for _ in problem.workers]
    order = sorted(
        range(len(fleet.stops)),
        key=lambda k: (not fleet.stops[k].mandatory, -(fleet.stops[k].penalty or 0)),
    )
    for k in order:
        best: tuple[int, int, int] | None = None
        for v in fleet.allowed[k]:
            worker, route = problem.workers[v], plan[v]
            for pos in range(len(route) + 1):
                trial = [*route[:pos], k, *route[pos:]]
                added = _route_cost(fleet, v, trial) - _route_cost(fleet, v, route)
                if best is not None and added >= best[0]:
                    continue
                if route_timing(problem, worker, [fleet.stops[i] for i in trial]) is not None:
                    best = (added, v, pos)
        if best is not None:
            plan[best[1]].insert(best[2], k)
    return plan


def _route_cost(fleet: _Fleet, v: int, route: Sequence[int]) -> int:
    """Travel + fixed cost + continuity surcharges of one worker's route (stop numbers)."""
    problem, worker = fleet.problem, fleet.problem.workers[v]
    if not route:
        return 0
    places = [worker.start_place, *(fleet.stops[k].place for k in route), worker.end_place]
    cost = sum(problem.travel[a][b] for a, b in itertools.pairwise(places))
    surcharge = sum(
        problem.continuity_penalty
        for k in route
        if fleet.stops[k].preferred_worker not in (None, worker.worker_id)
    )
    return cost + worker.fixed_cost + surcharge


def _result(
    fleet: _Fleet,
    plan: Plan,
    screened: list[Unassigned],
    status: SolveStatus,
    notes: list[str],
    began: float,
    backend: str,
) -> FleetResult:
    problem = fleet.problem
    routes: list[WorkerRoute] = []
    spans: list[int] = []
    cost = 0
    for v, (worker, route) in enumerate(zip(problem.workers, plan, strict=True)):
        stops = [fleet.stops[k] for k in route]
        timing = route_timing(problem, worker, stops)
        if timing is None:  # every plan reaching here has passed the timing check
            raise ValueError("internal error: chosen plan is not feasible")
        planned = []
        here = worker.start_place
        for seq, stop in enumerate(stops, start=1):
            start = timing.starts[seq - 1]
            planned.append(
                PlannedStop(
                    stop.stop_id,
                    seq,
                    timing.arrivals[seq - 1],
                    start,
                    start + stop.service_seconds,
                    problem.travel[here][stop.place],
                )
            )
            here = stop.place
        travel = sum(p.travel_seconds for p in planned) + problem.travel[here][worker.end_place]
        ret = timing.ret if stops else worker.shift.start
        routes.append(
            WorkerRoute(
                worker.worker_id, tuple(planned), worker.shift.start, ret, travel, timing.load
            )
        )
        spans.append(ret - worker.shift.start)
        cost += _route_cost(fleet, v, route)
    on_plan = {k for route in plan for k in route}
    dropped = {
        s.stop_id: Unassigned(s.stop_id, UnassignedReason.NO_TIME_LEFT, s.mandatory)
        for k, s in enumerate(fleet.stops)
        if k not in on_plan
    }
    dropped.update((u.stop_id, u) for u in screened)
    unassigned = tuple(dropped[s.stop_id] for s in problem.stops if s.stop_id in dropped)
    penalties = sum(s.penalty or 0 for s in problem.stops if s.stop_id in dropped)
    cost += penalties + problem.span_cost * (max(spans) - min(spans))
    return FleetResult(
        routes=tuple(routes),
        unassigned=unassigned,
        travel_seconds=sum(r.travel_seconds for r in routes),
        workers_used=sum(1 for r in routes if r.stops),
        cost=cost,
        solve_ms=round((time.perf_counter() - began) * 1000),
        status=status,
        notes=tuple(notes),
        backend=backend,
    )
