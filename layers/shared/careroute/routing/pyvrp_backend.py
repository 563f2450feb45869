"""PyVRP as an optional second search for the fleet router (`solve_fleet(..., backend="pyvrp")`).

Installed only with the `bench` extra; never in the Lambda layer. PyVRP (hybrid genetic search)
reached lower distances than OR-Tools on Solomon at equal time (docs/benchmarks.md), but it has
no skills, several windows per stop, breaks, continuity, span costs or ride-time limits: a
problem using any of them stays with OR-Tools (`unsupported` says why). Same model otherwise:
one vehicle type per worker (shift, capacity, fixed cost, start and end place), every stop
optional with its penalty as prize (mandatory stops with the router's mandatory penalty),
travel matrix as distance and duration. PyVRP windows bound the service start, so the latest
start is window end - service. The plan it returns is checked by the fleet router's timing pass
like OR-Tools' plans.
"""

from __future__ import annotations

from careroute.routing.fleet_model import FleetProblem, FleetStop
from careroute.routing.model import SolveLimits


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


def search(
    problem: FleetProblem,
    stops: tuple[FleetStop, ...],
    mandatory_penalty: int,
    limits: SolveLimits,
    seed: int,
) -> list[list[int]] | None:
    """Per worker, the chosen stop numbers (indices into `stops`), or None if no plan."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    model = pyvrp.Model()
    places = sorted(
        {s.place for s in stops}
        | {p for w in problem.workers for p in (w.start_place, w.end_place)}
    )
    locations = {p: model.add_location(0, 0) for p in places}
    depot_places = sorted({p for w in problem.workers for p in (w.start_place, w.end_place)})
    depots = {p: model.add_depot(locations[p]) for p in depot_places}
    total = sum(s.demand for s in stops)
    for w in problem.workers:
        model.add_vehicle_type(
            num_available=1,
            capacity=total if w.capacity is None else w.capacity,
            start_depot=depots[w.start_place],
            end_depot=depots[w.end_place],
            fixed_cost=w.fixed_cost,
            tw_early=w.shift.start,
            tw_late=w.shift.end,
        )
    for s in stops:
        model.add_client(
            locations[s.place],
            delivery=s.demand,
            service_duration=s.service_seconds,
            tw_early=s.windows[0].start,
            tw_late=s.windows[0].end - s.service_seconds,
            required=False,
            prize=mandatory_penalty if s.penalty is None else s.penalty,
        )
    for a in places:
        for b in places:
            t = 0 if a == b else problem.travel[a][b]
            model.add_edge(locations[a], locations[b], distance=t, duration=t)
    result = model.solve(stop=MaxRuntime(limits.time_limit_ms / 1000), seed=seed, display=False)
    if not result.best.is_feasible():
        return None
    plan: list[list[int]] = [[] for _ in problem.workers]
    for route in result.best.routes():
        plan[route.vehicle_type()] = [a.idx for a in route.schedule() if a.is_client()]
    return plan
