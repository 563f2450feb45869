"""Solomon-format VRPTW instances: reader, conversion to a CareRoute fleet problem, and an
exhaustive optimum for tiny instances (the check the router must pass).

Integer scaling (stated, as the Solomon convention asks): distances are Euclidean, times equal
distances, and everything is multiplied by SCALE = 10 and rounded to an integer for the
solvers (or, with `round_up`, travel rounded up: then every plan feasible on the integers is
feasible in exact arithmetic too, as CareRoute's travel model rounds up). Reported distances
are recomputed from the routes in unscaled doubles.
Solomon's windows bound the service *start*; CareRoute's bound start and end, so a customer
window [ready, due] becomes [ready, due + service].
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

from careroute.domain.vocabulary import TimeWindow
from careroute.routing import FleetProblem, FleetStop, Worker

SCALE = 10
VEHICLE_COST = 100_000
"""Fixed cost per vehicle (scaled units; 10,000 distance units): vehicles first, then distance."""


@dataclass(frozen=True)
class SolomonInstance:
    """Node 0 is the depot; nodes 1..n are customers."""

    name: str
    vehicles: int
    capacity: int
    x: tuple[float, ...]
    y: tuple[float, ...]
    demand: tuple[int, ...]
    ready: tuple[int, ...]
    due: tuple[int, ...]
    service: tuple[int, ...]
    round_up: bool = False
    """Scaled travel rounded up instead of to the nearest integer."""

    @property
    def n_customers(self) -> int:
        return len(self.x) - 1

    def distance(self, a: int, b: int) -> float:
        return math.hypot(self.x[a] - self.x[b], self.y[a] - self.y[b])

    def scaled_matrix(self) -> tuple[tuple[int, ...], ...]:
        nodes = range(len(self.x))
        scale = math.ceil if self.round_up else round
        return tuple(tuple(scale(SCALE * self.distance(a, b)) for b in nodes) for a in nodes)

    def route_distance(self, routes: list[list[int]]) -> float:
        """Unscaled total distance of routes given as customer node lists (depot implied)."""
        total = 0.0
        for route in routes:
            path = [0, *route, 0]
            total += sum(self.distance(a, b) for a, b in itertools.pairwise(path))
        return total

    def head(self, n: int) -> SolomonInstance:
        """The depot and the first `n` customers."""
        k = n + 1
        return SolomonInstance(
            f"{self.name}[:{n}]",
            self.vehicles,
            self.capacity,
            self.x[:k],
            self.y[:k],
            self.demand[:k],
            self.ready[:k],
            self.due[:k],
            self.service[:k],
            self.round_up,
        )


def read_solomon(path: Path, round_up: bool = False) -> SolomonInstance:
    lines = [line.split() for line in path.read_text().splitlines()]
    name = lines[0][0]
    numbers = [row for row in lines if row and all(_is_number(t) for t in row)]
    vehicles, capacity = (int(t) for t in numbers[0])
    rows = [[float(t) for t in row] for row in numbers[1:]]
    return SolomonInstance(
        name=name,
        vehicles=vehicles,
        capacity=capacity,
        x=tuple(r[1] for r in rows),
        y=tuple(r[2] for r in rows),
        demand=tuple(int(r[3]) for r in rows),
        ready=tuple(int(r[4]) for r in rows),
        due=tuple(int(r[5]) for r in rows),
        service=tuple(int(r[6]) for r in rows),
        round_up=round_up,
    )


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def to_fleet_problem(inst: SolomonInstance, vehicle_cost: int = VEHICLE_COST) -> FleetProblem:
    """Identical vehicles at the depot, every customer mandatory; place k = node k."""
    shift = TimeWindow(SCALE * inst.ready[0], SCALE * inst.due[0])
    workers = tuple(
        Worker(f"v{v}", 0, 0, shift, capacity=inst.capacity, fixed_cost=vehicle_cost)
        for v in range(inst.vehicles)
    )
    stops = tuple(
        FleetStop(
            f"c{k}",
            k,
            (TimeWindow(SCALE * inst.ready[k], SCALE * (inst.due[k] + inst.service[k])),),
            SCALE * inst.service[k],
            demand=inst.demand[k],
        )
        for k in range(1, len(inst.x))
    )
    return FleetProblem(workers, stops, inst.scaled_matrix())


def exhaustive_optimum(inst: SolomonInstance, vehicle_cost: int = VEHICLE_COST) -> int:
    """Least scaled cost (fixed cost per vehicle + travel) serving every customer, by brute
    force: the best feasible order of every customer subset, then the best split into routes.
    Independent of the router (Solomon rules directly). Fine up to ~9 customers."""
    travel = inst.scaled_matrix()
    n = inst.n_customers
    best_route: dict[int, int] = {}
    for size in range(1, n + 1):
        for subset in itertools.combinations(range(1, n + 1), size):
            if sum(inst.demand[k] for k in subset) > inst.capacity:
                continue
            mask = sum(1 << (k - 1) for k in subset)
            for order in itertools.permutations(subset):
                cost = _route_cost(inst, travel, order)
                if cost is not None and cost < best_route.get(mask, math.inf):
                    best_route[mask] = cost
    full = (1 << n) - 1
    best: dict[tuple[int, int], float] = {}

    def split(mask: int, vehicles: int) -> float:
        if mask == 0:
            return 0
        if vehicles == 0:
            return math.inf
        key = (mask, vehicles)
        if key not in best:
            low = mask & -mask
            result = math.inf
            sub = mask
            while sub:
                if sub & low and sub in best_route:
                    rest = split(mask ^ sub, vehicles - 1)
                    result = min(result, best_route[sub] + vehicle_cost + rest)
                sub = (sub - 1) & mask
            best[key] = result
        return best[key]

    optimum = split(full, inst.vehicles)
    if optimum == math.inf:
        raise ValueError(f"{inst.name}: no feasible plan")
    return int(optimum)


def _route_cost(
    inst: SolomonInstance, travel: tuple[tuple[int, ...], ...], order: tuple[int, ...]
) -> int | None:
    clock, here, cost = SCALE * inst.ready[0], 0, 0
    for k in order:
        clock = max(clock + travel[here][k], SCALE * inst.ready[k])
        if clock > SCALE * inst.due[k]:
            return None
        cost += travel[here][k]
        clock += SCALE * inst.service[k]
        here = k
    if clock + travel[here][0] > SCALE * inst.due[0]:
        return None
    return cost + travel[here][0]
