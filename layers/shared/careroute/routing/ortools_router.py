"""A steward's day with OR-Tools: one walker, depot to depot, inside the shift.

The only module that imports OR-Tools. One entry, `solve(problem, limits, seed)`.

Model (integer seconds throughout)
- Node 0 is the depot (start and end); nodes 1..n are the stops that can be done alone.
- Arc cost = travel seconds (a transit matrix, no Python callback per arc). The objective is
  travel seconds + the penalties of dropped stops. Mandatory stops get a penalty larger than
  any route's travel plus every optional penalty, so a mandatory stop is dropped only when it
  cannot fit, and it is then reported instead of making the model infeasible.
- Time dimension: transit(i, j) = service(i) + travel(i, j), slack = waiting. A stop's
  service starts and ends inside its window and the shift: start in
  [max(window.start, shift.start), min(window.end, shift.end) - service].
- Lunch break: a fixed interval (e.g. 12:00-13:30) given to `SetBreakIntervalsOfVehicle` with
  node visit transits = service times, so no service overlaps it. Travel MAY straddle the
  break: the walk is paused for the whole break (she walks part of the way, has lunch, walks
  the rest), so a leg crossing the break takes travel + break. That is exactly OR-Tools' break
  semantics, and the timing pass (`routing/route_day.py`) and the validator use the same rule.
  A break before the first departure or after the return costs nothing. The break is the
  only thing keeping services out of it: a hole in each stop's start domain said the same
  again, and OR-Tools made each hole one value at a time (~15 % of a steward's solve; the
  same 557 routes of D05's first two days without them).
- Visit count: a unary transit vector (1 per stop) with capacity `max_stops`.

Reported times come from an earliest-start forward pass over the chosen order (not from
OR-Tools' cumul values); the depot departure is then delayed so she does not wait at the first
door. Dropped stops get MAX_VISITS_REACHED if the route is at `max_stops`, else NO_TIME_LEFT.

Search: local cheapest insertion (highest penalty first), then guided local search on small days
(<= _SMALL_DAY candidates) or OR-Tools' iterated local search (ruin and recreate + descent) on
larger ones, stopped by `limits.solution_limit` or `limits.time_limit_ms`. A route that leaves out
a stop worth much more than a kept one is searched again from other stop orders (`_restarted`),
and if one still does, kept stops of lower total penalty make room for it (`_made_room`).

Determinism: OR-Tools' routing search is single-threaded and deterministic (its ruin step uses
a fixed internal seed); it takes no seed, so `seed` permutes the order in which stops enter the
model (seed 0 keeps the input order), which changes the search path. Same problem, seed and
solution limit -> same route, also on a loaded machine. If the wall-clock `time_limit_ms`
stops the search first, the route may depend on machine load.

If OR-Tools returns no route (time out, error), a constructive route is built instead (mandatory
stops first, then by penalty, each at its cheapest feasible position) with status FALLBACK.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import combinations, pairwise
from typing import TypeVar

from ortools.constraint_solver import (
    pywrapcp,
    routing_enums_pb2,
    routing_ils_pb2,
    routing_parameters_pb2,
    solver_parameters_pb2,
)

from careroute.domain.vocabulary import TimeWindow
from careroute.routing.model import (
    PlannedStop,
    RouteProblem,
    RouteResult,
    SolveLimits,
    SolveStatus,
    Stop,
    Unassigned,
    UnassignedReason,
)
from careroute.routing.route_day import RouteDay, build_day, construct, timing_of
from careroute.routing.timing import arrive as _arrive
from careroute.routing.timing import start_at as _start_at

T = TypeVar("T")

"""OR-Tools costs are int64; stay well clear of overflow."""


_SMALL_DAY = 15
"""Days with at most this many candidate stops use guided local search, larger ones iterated
local search: measured, GLS found the optimum of 60/60 eight-stop days where ILS stalled on
18/60; from ~15 stops ILS reaches GLS's quality in about half the time (see `default_limits`)."""


RESTARTS = 4
"""Other starting orders tried on a day whose route left out a stop outranking a kept one."""
SWAP_OUT = 2
"""At most this many kept stops are left out to make room for one that outranks them."""
OUTRANK = 2
"""A left-out stop outranks a kept one above this ratio of penalties (a T3 visit of the day's
own against a T3 filler is 2: not worth a restart)."""


def default_limits(n_stops: int) -> SolveLimits:
    """Search effort for a day with `n_stops` candidate stops, chosen by measurement.

    Measured on benchmarks/route_solve.py days and on the planner's real 48-candidate days,
    against a 3-second search (objective = travel + penalties of dropped stops):
    - up to _SMALL_DAY stops, GLS with 100 solutions: ~11 ms at 8 stops (optimal on 60/60),
      ~15 ms at 10 (optimal on 92/100);
    - above, ILS with 50 solutions: p50 ~17 ms at 20 stops, ~31 ms at 40, ~37 ms at 48,
      ~85 ms at 80, 0.5-2 % above the 3-second search on average. GLS needed 100 solutions
      and ~2x the time for the same quality at 20-80 stops. 25 ILS solutions cost +1 %, 75
      gain 0.1-0.5 % for +40 % time.
    The solution limit is what stops the search, so routes are reproducible; the time limit
    only caps outliers (an odd day) and grows with the size of the day. It stands 25-60x above
    the usual time, so a machine busy with other work (a test run on both cores, a simulated
    month) still ends on the solution limit with the same routes: at 50 + 2 ms per stop, days
    of ~48 stops ended on the clock under load and differed between two runs.
    """
    if n_stops < 0:
        raise ValueError("n_stops must be >= 0")
    solutions = 100 if n_stops <= _SMALL_DAY else 50
    return SolveLimits(time_limit_ms=500 + 20 * n_stops, solution_limit=solutions)


def solve(problem: RouteProblem, limits: SolveLimits, seed: int = 0) -> RouteResult:
    """Plan one steward's day: which stops, in which order, at what times.

    Never raises for an infeasible day: stops that cannot be done are reported as unassigned
    with a reason. Raises ValueError only for a malformed problem: a break outside the shift, or
    penalties too large for the solver's 64-bit objective.
    """
    began = time.perf_counter()
    lunch = _lunch(problem)
    candidates, unassigned = _screen(problem, lunch)
    if seed:
        random.Random(seed).shuffle(candidates)
    day = build_day(problem, lunch, tuple(candidates))

    status, notes = SolveStatus.SOLVED, []
    order = _trivial(day)
    if order is None:
        order, failure = _try_search(day, limits)
        if order is None:
            status, notes = SolveStatus.FALLBACK, [failure, "constructive route used"]
            order = construct(day)
        else:
            day, order = _restarted(problem, lunch, candidates, limits, seed, day, order)
            if _outranked(day, order):
                order = _made_room(day, order)
            if _outranked(day, order):
                order = _made_room(day, _forced_in(problem, lunch, limits, day, order))
    return _result(problem, day, order, unassigned, status, notes, began)


def _restarted(
    problem: RouteProblem,
    lunch: TimeWindow | None,
    candidates: list[Stop],
    limits: SolveLimits,
    seed: int,
    day: RouteDay,
    order: list[int],
) -> tuple[RouteDay, list[int]]:
    """The search again from `RESTARTS` other stop orders when its route left out a stop that
    outranks a kept one; the best of all by the objective.

    Measured on the planner's days: the search can settle on a route that keeps a filler and
    drops a visit due tomorrow, and no amount of further search from there finds the swap,
    while another starting order does at once. Only such days pay for the restarts, and the
    route stays a function of the problem and `seed`.
    """
    if not _outranked(day, order):
        return day, order
    best = (_objective(day, order), day, order)
    for restart in range(1, RESTARTS + 1):
        shuffled = list(candidates)
        random.Random(f"{seed}/{restart}").shuffle(shuffled)
        other_day = build_day(problem, lunch, tuple(shuffled))
        other, _ = _try_search(other_day, limits)
        if other is None:
            continue
        cost = _objective(other_day, other)
        if cost < best[0]:
            best = (cost, other_day, other)
            if not _outranked(other_day, other):
                break
    return best[1], best[2]


def _made_room(day: RouteDay, order: list[int]) -> list[int]:
    """Each stop left out, most valuable first, put in where leaving out at most `SWAP_OUT`
    kept stops of lower total penalty makes room for it, when that lowers the objective.

    Measured on the planner's days: a search (and its restarts) can keep two 20-minute fillers
    in a morning and leave out a weekly visit on its last day with a retry that needs the same
    40 minutes there. The search's moves put one stop in or take one out at a time, and no
    single move pays; two out and one in does.
    """
    best, cost = order, _objective(day, order)
    for node in sorted(range(1, len(day.stops) + 1), key=lambda n: -_penalty(day, n)):
        if node in best:
            continue
        for tried in _swaps_in(day, best, node):
            if timing_of(day, tried) is not None and (tried_cost := _objective(day, tried)) < cost:
                best, cost = tried, tried_cost
    return best


def _forced_in(
    problem: RouteProblem,
    lunch: TimeWindow | None,
    limits: SolveLimits,
    day: RouteDay,
    order: list[int],
) -> list[int]:
    """The route searched again among its own stops and the most valuable one left out, that
    one made mandatory; kept when it lowers the objective.

    Measured on the planner's days: room for a visit whose window is the afternoon can take
    a kept stop that can go either way moved to the morning and a morning filler left out,
    which no swap of stops in their order finds; a search over the kept stops does.
    """
    kept = set(order)
    node = max(
        (n for n in range(1, len(day.stops) + 1) if n not in kept), key=lambda n: _penalty(day, n)
    )
    stops = [day.stops[k - 1] for k in order] + [replace(day.stops[node - 1], penalty=None)]
    smaller = build_day(problem, lunch, tuple(stops))
    found, _ = _try_search(smaller, limits)
    if found is None:
        return order
    node_of = {stop.stop_id: n for n, stop in enumerate(day.stops, start=1)}
    tried = [node_of[smaller.stops[k - 1].stop_id] for k in found]
    if timing_of(day, tried) is None or _objective(day, tried) >= _objective(day, order):
        return order
    return tried


def _swaps_in(day: RouteDay, order: list[int], node: int) -> Iterator[list[int]]:
    """`order` with `node` put in at each place, after leaving out none, one or up to
    `SWAP_OUT` kept stops whose penalties add up to less than the node's."""
    worth = _penalty(day, node)
    cheaper = [k for k in order if _penalty(day, k) < worth]
    for size in range(SWAP_OUT + 1):
        for removed in combinations(cheaper, size):
            if sum(_penalty(day, k) for k in removed) >= worth:
                continue
            rest = [k for k in order if k not in removed]
            for at in range(len(rest) + 1):
                yield [*rest[:at], node, *rest[at:]]


def _penalty(day: RouteDay, node: int) -> int:
    penalty = day.stops[node - 1].penalty
    return day.mandatory_penalty if penalty is None else penalty


def _outranked(day: RouteDay, order: list[int]) -> bool:
    """A stop left out whose penalty is more than `OUTRANK` times a kept one's."""
    kept = set(order)
    left_out = [_penalty(day, n) for n in range(1, len(day.stops) + 1) if n not in kept]
    if not left_out or not kept:
        return False
    return max(left_out) > OUTRANK * min(_penalty(day, n) for n in kept)


def _objective(day: RouteDay, order: list[int]) -> int:
    """What the search minimises: travel plus the penalties of the stops left out."""
    path = [0, *order, 0]
    travel = sum(day.travel[a][b] for a, b in pairwise(path))
    kept = set(order)
    return travel + sum(_penalty(day, n) for n in range(1, len(day.stops) + 1) if n not in kept)


def _try_search(day: RouteDay, limits: SolveLimits) -> tuple[list[int] | None, str]:
    """OR-Tools' route, or None and why not."""
    return guarded_search(lambda: _search(day, limits), lambda o: timing_of(day, o) is not None)


def guarded_search(
    search: Callable[[], T | None], valid: Callable[[T], bool], what: str = "route"
) -> tuple[T | None, str]:
    """Run an OR-Tools search; its answer, or None and why not (for the constructive fallback).

    Solver errors must not lose the day: any exception, no answer, or an answer that fails the
    router's own timing check gives None. Shared by the daily and the fleet router.
    """
    try:
        answer = search()
    except Exception as exc:
        return None, f"OR-Tools failed: {exc!r}"
    if answer is None:
        return None, f"OR-Tools returned no {what} within the limits"
    if not valid(answer):
        return None, f"OR-Tools {what} failed the timing check"
    return answer, ""


def _trivial(day: RouteDay) -> list[int] | None:
    """The best route of a day with at most one possible stop (a search would only idle)."""
    if not day.stops or day.max_stops == 0:
        return []
    if len(day.stops) > 1:
        return None
    penalty = day.stops[0].penalty
    worth_it = penalty is None or penalty >= day.travel[0][1] + day.travel[1][0]
    return [1] if worth_it else []


def _lunch(problem: RouteProblem) -> TimeWindow | None:
    """The break, if any; None for no break or an empty one."""
    brk = problem.lunch_break
    if brk is None or brk.seconds == 0:
        return None
    if not problem.shift.start <= brk.start <= brk.end <= problem.shift.end:
        raise ValueError(f"lunch break {brk} must lie inside shift {problem.shift}")
    return brk


def _screen(problem: RouteProblem, lunch: TimeWindow | None) -> tuple[list[Stop], list[Unassigned]]:
    """Split stops into those feasible alone and those that are not (with the reason)."""
    shift = problem.shift
    candidates: list[Stop] = []
    unassigned: list[Unassigned] = []
    for stop in problem.stops:
        first = max(stop.window.start, shift.start)
        last = min(stop.window.end, shift.end) - stop.service_seconds
        if _start_at(first, first, last, stop.service_seconds, lunch) < 0:
            reason = UnassignedReason.WINDOW_OUTSIDE_SHIFT
        else:
            out = problem.travel.seconds(problem.depot, stop.location)
            back = problem.travel.seconds(stop.location, problem.depot)
            arrival = _arrive(shift.start, out, lunch)
            start = _start_at(arrival, first, last, stop.service_seconds, lunch)
            ok = start >= 0 and _arrive(start + stop.service_seconds, back, lunch) <= shift.end
            if ok:
                candidates.append(stop)
                continue
            reason = UnassignedReason.UNREACHABLE_IN_WINDOW
        unassigned.append(Unassigned(stop.stop_id, reason, stop.mandatory))
    return candidates, unassigned


def _search(day: RouteDay, limits: SolveLimits) -> list[int] | None:
    """Solve with OR-Tools; the chosen order of nodes, or None if it found no route."""
    n = len(day.stops)
    manager = pywrapcp.RoutingIndexManager(n + 1, 1, 0)
    model_params = pywrapcp.DefaultRoutingModelParameters()
    # An uncompressed trail and no variable names: ~3 % faster on days this small.
    solver_params = model_params.solver_parameters
    solver_params.compress_trail = solver_parameters_pb2.ConstraintSolverParameters.NO_COMPRESSION
    solver_params.store_names = False
    routing = pywrapcp.RoutingModel(manager, model_params)

    cost = routing.RegisterTransitMatrix(day.travel)
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    work = [[day.service[i] + t for t in row] for i, row in enumerate(day.travel)]
    horizon = day.shift_end
    routing.AddDimension(routing.RegisterTransitMatrix(work), horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for vehicle_index in (routing.Start(0), routing.End(0)):
        time_dim.CumulVar(vehicle_index).SetRange(day.shift_start, day.shift_end)
    for node in range(1, n + 1):
        cumul = time_dim.CumulVar(manager.NodeToIndex(node))
        cumul.SetRange(day.first_start[node], day.last_start[node])
    if day.lunch is not None:
        lunch = routing.solver().FixedDurationIntervalVar(
            day.lunch.start, day.lunch.start, day.lunch.seconds, False, "lunch"
        )
        visit = [day.service[manager.IndexToNode(i)] for i in range(routing.Size())]
        time_dim.SetBreakIntervalsOfVehicle([lunch], 0, visit)

    if day.max_stops < n:
        counts = routing.RegisterUnaryTransitVector([0] + [1] * n)
        routing.AddDimension(counts, 0, day.max_stops, True, "visits")

    for node, stop in enumerate(day.stops, start=1):
        penalty = day.mandatory_penalty if stop.penalty is None else stop.penalty
        routing.AddDisjunction([manager.NodeToIndex(node)], penalty)

    small = n <= _SMALL_DAY
    params = _search_parameters(limits, small=small)
    hint = [manager.NodeToIndex(node) for node in day.warm_start]
    initial = None
    if hint:
        params.use_iterated_local_search = not small
        routing.CloseModelWithParameters(params)
        initial = routing.ReadAssignmentFromRoutes([hint], True)
    solution = run_search(routing, params, small, initial)
    if solution is None:
        return None
    order: list[int] = []
    index = solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    return order


def run_search(
    routing: pywrapcp.RoutingModel,
    params: routing_parameters_pb2.RoutingSearchParameters,
    small: bool,
    initial: pywrapcp.Assignment | None = None,
) -> pywrapcp.Assignment | None:
    """The search `_search_parameters` describes: from `initial` when there is one, else
    guided local search on a small day and iterated local search on a larger one. None when
    no solution was found in the limits."""
    if initial is not None:
        return routing.SolveFromAssignmentWithParameters(initial, params)
    if small:
        return routing.SolveWithParameters(params)
    return routing.SolveWithIteratedLocalSearch(params)


def _search_parameters(
    limits: SolveLimits, small: bool
) -> routing_parameters_pb2.RoutingSearchParameters:
    """Local cheapest insertion, then guided local search (small days) or iterated local search.

    Local cheapest insertion inserts stops by penalty, highest first, so mandatory stops go in
    first (path-cheapest-arc left mandatory stops out on some 40-80 stop days). GLS uses lambda
    0.3 (default 0.1: slightly worse). Each ILS round removes a random walk of 8 visits (3-6 and
    12 were worse), re-inserts them by local cheapest insertion, descends with the standard
    operators and accepts by simulated annealing. Tabu search and simulated annealing as the
    local search metaheuristic were worse than GLS at equal time.
    """
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
    )
    if small:
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        )
        params.guided_local_search_lambda_coefficient = 0.3
    else:
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
        )
        ruin_recreate = params.iterated_local_search_parameters.ruin_recreate_parameters
        ruin_recreate.ruin_strategies.add().random_walk.num_removed_visits = 8
        ruin_recreate.ruin_composition_strategy = (
            routing_ils_pb2.RuinCompositionStrategy.RUN_ALL_SEQUENTIALLY
        )
    params.time_limit.FromMilliseconds(limits.time_limit_ms)
    if limits.solution_limit is not None:
        params.solution_limit = limits.solution_limit
    return params


def _result(
    problem: RouteProblem,
    day: RouteDay,
    order: list[int],
    screened: list[Unassigned],
    status: SolveStatus,
    notes: list[str],
    began: float,
) -> RouteResult:
    timing = timing_of(day, order)
    if timing is None:  # every order reaching here has passed the timing check
        raise ValueError("internal error: chosen route is not feasible")
    planned: list[PlannedStop] = []
    here = 0
    for seq, node in enumerate(order, start=1):
        start = timing.starts[seq - 1]
        planned.append(
            PlannedStop(
                stop_id=day.stops[node - 1].stop_id,
                sequence=seq,
                arrival=timing.arrivals[seq - 1],
                service_start=start,
                service_end=start + day.service[node],
                travel_seconds=day.travel[here][node],
            )
        )
        here = node
    travel = sum(p.travel_seconds for p in planned) + day.travel[here][0]

    full = len(order) >= day.max_stops
    reason = UnassignedReason.MAX_VISITS_REACHED if full else UnassignedReason.NO_TIME_LEFT
    on_route = set(order)
    dropped = {
        stop.stop_id: Unassigned(stop.stop_id, reason, stop.mandatory)
        for node, stop in enumerate(day.stops, start=1)
        if node not in on_route
    }
    dropped.update((u.stop_id, u) for u in screened)
    unassigned = tuple(dropped[s.stop_id] for s in problem.stops if s.stop_id in dropped)

    return RouteResult(
        stops=tuple(planned),
        unassigned=unassigned,
        depot_departure=timing.departure,
        depot_return=timing.ret,
        travel_seconds=travel,
        solve_ms=round((time.perf_counter() - began) * 1000),
        status=status,
        notes=tuple(notes),
    )
