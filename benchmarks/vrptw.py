"""Router quality on Solomon / Gehring-Homberger VRPTW instances: CareRoute's fleet router as
deployed (PyVRP with a fleet-minimisation phase for these problems), its OR-Tools search
alone, plain PyVRP and VROOM side by side at the same wall-clock budget, against best-known
solutions (hierarchical: vehicles first, then distance).

    pip install -e '.[bench]'     # pyvroom, for benchmarks only
    .venv/bin/python benchmarks/vrptw.py --budget 2 [--only C101 R101] [--homberger]
        [--solvers CareRoute PyVRP] [--markdown out.md]

Every solver gets the same integer data (Euclidean distance = travel time, x10 rounded, see
benchmarks/solomon.py), the same fleet (the instance's vehicles and capacity) and the same
objective: 100,000 scaled units (10,000 distance units) per vehicle used + scaled distance.
One thread, seed 0. OR-Tools and PyVRP run until the budget; VROOM gets it as its timeout
(exploration level 5) and usually stops earlier: its time is reported as used. Time includes
building the model. Distances are recomputed from each solver's routes in unscaled doubles;
every plan is checked (each customer once, capacity, windows on the scaled data) and an
infeasible one is reported as such instead of a distance.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

from solomon import SCALE, VEHICLE_COST, SolomonInstance, read_solomon, to_fleet_problem

from careroute.routing import SolveLimits, solve_fleet
from careroute_local.paths import REFERENCE_DATA

DATA = REFERENCE_DATA / "vrptw"
SUBSET = ["C101", "C201", "R101", "R201", "RC101", "RC201", "c1_2_1", "r1_2_1", "rc1_2_1"]
Routes = list[list[int]]


@dataclass(frozen=True)
class Run:
    vehicles: int
    distance: float | None
    """None if the plan is infeasible or incomplete."""
    seconds: float
    late_unrounded: int = 0
    """Routes that arrive late somewhere when times are not rounded (Solomon's doubles): the
    x10 rounding can shorten an arc by up to 0.05, so a route feasible on the solvers'
    integers may be a little late in exact arithmetic. Same data for every solver."""


def careroute(inst: SolomonInstance, budget: float, backend: str = "auto") -> Routes:
    """The fleet router as deployed: PyVRP with fleet minimisation for these problems."""
    problem = to_fleet_problem(inst)
    limits = SolveLimits(time_limit_ms=round(budget * 1000))
    result = solve_fleet(problem, limits, backend=backend)
    if result.backend != ("ortools" if backend == "ortools" else "pyvrp"):
        print(f"{inst.name}: planned by {result.backend}: {result.notes}", file=sys.stderr)
    return [[int(p.stop_id[1:]) for p in r.stops] for r in result.routes]


def careroute_ortools(inst: SolomonInstance, budget: float) -> Routes:
    """The fleet router's OR-Tools search alone (what problems PyVRP cannot model get)."""
    return careroute(inst, budget, backend="ortools")


def pyvrp_solve(inst: SolomonInstance, budget: float) -> Routes:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    matrix = inst.scaled_matrix()
    model = pyvrp.Model()
    locations = [model.add_location(x, y) for x, y in zip(inst.x, inst.y, strict=True)]
    model.add_depot(locations[0], tw_early=SCALE * inst.ready[0], tw_late=SCALE * inst.due[0])
    model.add_vehicle_type(
        num_available=inst.vehicles,
        capacity=inst.capacity,
        fixed_cost=VEHICLE_COST,
        tw_early=SCALE * inst.ready[0],
        tw_late=SCALE * inst.due[0],
    )
    for k in range(1, len(locations)):
        model.add_client(
            locations[k],
            delivery=inst.demand[k],
            service_duration=SCALE * inst.service[k],
            tw_early=SCALE * inst.ready[k],
            tw_late=SCALE * inst.due[k],
        )
    for i, a in enumerate(locations):
        for j, b in enumerate(locations):
            model.add_edge(a, b, distance=matrix[i][j], duration=matrix[i][j])
    result = model.solve(stop=MaxRuntime(budget), seed=0, display=False)
    routes = result.best.routes()
    # Activity idx is the 0-based client number; Solomon customer k is client k - 1.
    return [[a.idx + 1 for a in route.schedule() if a.is_client()] for route in routes]


def vroom_solve(inst: SolomonInstance, budget: float) -> Routes:
    import numpy as np
    import vroom

    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=np.array(inst.scaled_matrix()))
    window = vroom.TimeWindow(SCALE * inst.ready[0], SCALE * inst.due[0])
    for v in range(inst.vehicles):
        problem.add_vehicle(
            vroom.Vehicle(
                v + 1,
                start=0,
                end=0,
                capacity=vroom.Amount([inst.capacity]),
                time_window=window,
                costs=vroom.VehicleCosts(fixed=VEHICLE_COST),
            )
        )
    for k in range(1, len(inst.x)):
        tw = vroom.TimeWindow(SCALE * inst.ready[k], SCALE * inst.due[k])
        problem.add_job(
            vroom.Job(
                k,
                location=k,
                delivery=vroom.Amount([inst.demand[k]]),
                default_service=SCALE * inst.service[k],
                time_windows=[tw],
            )
        )
    solution = problem.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=budget))
    frame = solution.routes
    jobs = frame[frame["type"] == "job"]
    return [[int(i) for i in group["id"]] for _, group in jobs.groupby("vehicle_id", sort=False)]


SOLVERS: dict[str, Callable[[SolomonInstance, float], Routes]] = {
    "CareRoute": careroute,
    "CareRoute OR-Tools": careroute_ortools,
    "PyVRP": pyvrp_solve,
    "VROOM": vroom_solve,
}


def feasible(inst: SolomonInstance, routes: Routes) -> bool:
    """Each customer once, capacity, Solomon windows on the scaled data, depot closing time."""
    served = sorted(k for route in routes for k in route)
    if served != list(range(1, len(inst.x))) or len([r for r in routes if r]) > inst.vehicles:
        return False
    matrix = inst.scaled_matrix()
    for route in routes:
        if sum(inst.demand[k] for k in route) > inst.capacity:
            return False
        clock, here = SCALE * inst.ready[0], 0
        for k in route:
            clock = max(clock + matrix[here][k], SCALE * inst.ready[k])
            if clock > SCALE * inst.due[k]:
                return False
            clock, here = clock + SCALE * inst.service[k], k
        if clock + matrix[here][0] > SCALE * inst.due[0]:
            return False
    return True


def run(
    solver: Callable[[SolomonInstance, float], Routes], inst: SolomonInstance, budget: float
) -> Run:
    began = time.perf_counter()
    routes = solver(inst, budget)
    seconds = time.perf_counter() - began
    ok = feasible(inst, routes)
    used = len([r for r in routes if r])
    late = sum(1 for route in routes if route and not on_time_unrounded(inst, route))
    return Run(used, inst.route_distance(routes) if ok else None, seconds, late)


def on_time_unrounded(inst: SolomonInstance, route: list[int]) -> bool:
    """Every service starts by its due time and the depot is reached by its closing time,
    in unrounded arithmetic."""
    clock, here = float(inst.ready[0]), 0
    for k in route:
        clock = max(clock + inst.distance(here, k), inst.ready[k])
        if clock > inst.due[k] + 1e-9:
            return False
        clock, here = clock + inst.service[k], k
    return clock + inst.distance(here, 0) <= inst.due[0] + 1e-9


def load_bks() -> dict[str, tuple[int, float]]:
    with (DATA / "bks.csv").open() as f:
        return {
            row["instance"]: (int(row["vehicles"]), float(row["distance"]))
            for row in csv.DictReader(f)
            if row["objective"] == "hierarchical"
        }


def family(name: str) -> str:
    if "_" in name:
        return f"H{name.split('_')[1]}00"
    return name.rstrip("0123456789") + name[len(name.rstrip("0123456789"))]


def instances(only: list[str] | None, homberger: bool) -> list[Path]:
    paths = sorted((DATA / "solomon").glob("*.txt"))
    if homberger:
        paths += sorted((DATA / "homberger_200").glob("*.txt"))
        paths += sorted((DATA / "homberger_400").glob("*.txt"))
    if only:
        paths = [p for p in paths if p.stem in only]
    return paths


def gap(r: Run, bks: float) -> float | None:
    return None if r.distance is None else 100 * (r.distance / bks - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=2.0, help="seconds per solver")
    parser.add_argument("--only", nargs="+", help="instance names (default: all Solomon)")
    parser.add_argument("--subset", action="store_true", help=f"only {' '.join(SUBSET)}")
    parser.add_argument("--homberger", action="store_true", help="add Homberger 200 and 400")
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown")
    parser.add_argument(
        "--round-up",
        action="store_true",
        help="scaled travel rounded up (plans feasible in exact arithmetic too)",
    )
    parser.add_argument(
        "--solvers", nargs="+", choices=list(SOLVERS), default=list(SOLVERS), help="which ones"
    )
    args = parser.parse_args()
    only = SUBSET if args.subset else args.only
    bks = load_bks()
    versions = (
        f"OR-Tools {version('ortools')}, PyVRP {version('pyvrp')}, "
        f"VROOM (pyvroom) {version('pyvroom')}; budget {args.budget:g} s per solver; "
        f"travel x{SCALE} {'rounded up' if args.round_up else 'rounded'}"
    )
    print(versions)
    names = args.solvers
    head = ["instance", "BKS veh", "BKS dist"]
    for s in names:
        head += [f"{s} veh", f"{s} dist", f"{s} gap %", f"{s} s"]
    rows: list[list[str]] = []
    results: dict[str, dict[str, Run]] = {}
    for path in instances(only, args.homberger or args.subset):
        inst = read_solomon(path, round_up=args.round_up)
        name = path.stem
        results[name] = {s: run(SOLVERS[s], inst, args.budget) for s in names}
        bv, bd = bks[name]
        row = [name, str(bv), f"{bd:.2f}"]
        for s in names:
            r = results[name][s]
            g = gap(r, bd)
            dist = "infeasible" if r.distance is None else f"{r.distance:.2f}"
            row += [str(r.vehicles), dist, "-" if g is None else f"{g:+.2f}", f"{r.seconds:.1f}"]
        rows.append(row)
        print("  ".join(row), flush=True)

    summary_head = ["family", "n"] + [f"{s} {k}" for s in names for k in ("veh", "gap %", "s")]
    summary: list[list[str]] = []
    groups: dict[str, list[str]] = {}
    for name in results:
        groups.setdefault(family(name), []).append(name)
    solomon = [n for n in results if "_" not in n]
    if solomon:
        groups["Solomon all"] = solomon
    for label, members in groups.items():
        line = [label, str(len(members))]
        for s in names:
            runs = [results[n][s] for n in members]
            gaps = [gap(results[n][s], bks[n][1]) for n in members]
            ok = [g for g in gaps if g is not None]
            veh = statistics.mean(r.vehicles for r in runs)
            bad = len(gaps) - len(ok)
            mean_gap = f"{statistics.mean(ok):+.2f}" if ok else "-"
            if bad:
                mean_gap += f" ({bad} infeasible)"
            line += [f"{veh:.2f}", mean_gap, f"{statistics.mean(r.seconds for r in runs):.1f}"]
        line[2:2] = []
        summary.append(line)
    bks_veh = {
        label: statistics.mean(bks[n][0] for n in members) for label, members in groups.items()
    }
    summary_head.insert(2, "BKS veh")
    for line in summary:
        line.insert(2, f"{bks_veh[line[0]]:.2f}")
    print()
    for line in [summary_head, *summary]:
        print("  ".join(line))
    pairs = head_to_head(results, names)
    for s in names:
        late = [n for n in results if results[n][s].late_unrounded]
        pairs.append(
            f"{s}: plans with a route late in unrounded arithmetic: {len(late)} "
            f"({', '.join(late) or 'none'})"
        )
    print()
    print("\n".join(pairs))
    if args.markdown:
        args.markdown.write_text(
            f"{versions}\n\n{markdown(head, rows)}\n\n{markdown(summary_head, summary)}\n\n"
            + "".join(f"- {line}\n" for line in pairs)
        )


def head_to_head(results: dict[str, dict[str, Run]], names: list[str]) -> list[str]:
    """Pairwise counts on the hierarchical objective (fewer vehicles, then less distance)."""

    def key(r: Run) -> tuple[int, float]:
        # Rounded: the same routes summed in another order differ in the last bits.
        return (r.vehicles, round(r.distance, 4) if r.distance is not None else float("inf"))

    lines = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ka = [key(res[a]) for res in results.values()]
            kb = [key(res[b]) for res in results.values()]
            better = sum(x < y for x, y in zip(ka, kb, strict=True))
            worse = sum(x > y for x, y in zip(ka, kb, strict=True))
            ties = len(ka) - better - worse
            lines.append(
                f"{a} vs {b} (vehicles, then distance): {a} better on {better}, "
                f"{b} better on {worse}, tied on {ties}"
            )
    return lines


def markdown(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
