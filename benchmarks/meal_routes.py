"""Meal-delivery route quality: CareRoute's fleet router (OR-Tools) against PyVRP at equal
time, on the same generated canteens and lunch orders (synthetic Shenyang).

    pip install -e '.[bench]'     # PyVRP, for benchmarks only
    .venv/bin/python benchmarks/meal_routes.py [--budget 1] [--every 10] [--seed 7]
        [--date 2026-11-30] [--markdown out.md]

Per sampled canteen (every `--every`-th of the 300), both solvers get the same fleet problem
(careroute.planning.meals.meal_problem: one worker per vehicle and departure wave, capacities, lunch
windows, a cost per trip) and the same budget, seed 0. PyVRP cannot model the meal
temperature limit (maximum ride time from departure to hand-over), so it solves the problem
without it; its routes are then checked against the full problem by the fleet validator and
the hand-overs later than the limit are counted as ride-time violations. OR-Tools keeps the
limit (0 violations by construction; the validator checks it too); "ortools-relaxed" solves
PyVRP's problem (no limit), the like-for-like comparison and the price of the limit.
Distance is travel time x the canteen's vehicle speed. Time is wall-clock per solve,
including building the model.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

from careroute_synthetic.city import generate_city
from careroute_synthetic.meals import daily_orders, generate_canteens

from careroute.planning.meals import Canteen, MealOrder, MealRules, meal_problem, ride_violations
from careroute.routing import FleetProblem, FleetResult, SolveLimits, solve_fleet, validate_fleet


@dataclass(frozen=True)
class Run:
    km: float
    vehicles: int
    trips: int
    unassigned: int
    ride_violations: int
    other_violations: int
    seconds: float
    note: str


def run(
    canteen: Canteen, problem: FleetProblem, full: FleetProblem, backend: str, budget: float
) -> Run:
    began = time.perf_counter()
    result: FleetResult = solve_fleet(
        problem, SolveLimits(time_limit_ms=round(budget * 1000)), 0, backend
    )
    seconds = time.perf_counter() - began
    errors = validate_fleet(full, result)
    ride = ride_violations(full, result)
    used = [r for r in result.routes if r.stops]
    return Run(
        km=result.travel_seconds * canteen.speed_kmh / 3600,
        vehicles=len({r.worker_id.rsplit("-T", 1)[0] for r in used}),
        trips=len(used),
        unassigned=len(result.unassigned),
        ride_violations=ride,
        other_violations=len(errors) - ride,
        seconds=seconds,
        note="; ".join(result.notes) or result.status.value,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per solver and canteen")
    parser.add_argument("--every", type=int, default=10, help="sample every n-th canteen")
    parser.add_argument("--seed", type=int, default=7, help="city, canteen and order seed")
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 30))
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown")
    args = parser.parse_args()

    city = generate_city(args.seed, as_of=args.date)
    canteens = generate_canteens(city.communities, args.seed)[:: args.every]
    elders_of: dict[str, list] = {}
    for elder in city.elders:
        elders_of.setdefault(elder.community_id, []).append(elder)
    rules = MealRules()
    header = (
        "| canteen | orders | meals | solver | km | vehicles | trips | unassigned "
        "| ride-time violations | other violations | s |"
    )
    lines = [header, "|" + "---|" * 11]
    totals: dict[str, list[Run]] = {"ortools": [], "ortools-relaxed": [], "pyvrp": []}
    for canteen in canteens:
        elders = [e for cid in canteen.community_ids for e in elders_of.get(cid, [])]
        orders: tuple[MealOrder, ...] = daily_orders(canteen, elders, args.date, args.seed)
        full = meal_problem(canteen, orders, rules)
        relaxed = meal_problem(canteen, orders, rules, ride_limits=False)
        meals = sum(o.meals for o in orders)
        for name, problem in (("ortools", full), ("ortools-relaxed", relaxed), ("pyvrp", relaxed)):
            backend = name.split("-")[0]
            r = run(canteen, problem, full, backend, args.budget)
            totals[name].append(r)
            lines.append(
                f"| {canteen.canteen_id} | {len(orders)} | {meals} | {name} | {r.km:.1f} "
                f"| {r.vehicles} | {r.trips} | {r.unassigned} | {r.ride_violations} "
                f"| {r.other_violations} | {r.seconds:.2f} |"
            )
            if r.note not in ("solved", ""):
                print(f"  note {canteen.canteen_id} {name}: {r.note}")
    lines.append("")
    lines.append(
        "| solver | canteens | km | vehicles | trips | unassigned | ride-time violations "
        "| canteens with violations | mean s |"
    )
    lines.append("|" + "---|" * 9)
    for backend, runs in totals.items():
        lines.append(
            f"| {backend} | {len(runs)} | {sum(r.km for r in runs):.1f} "
            f"| {sum(r.vehicles for r in runs)} | {sum(r.trips for r in runs)} "
            f"| {sum(r.unassigned for r in runs)} | {sum(r.ride_violations for r in runs)} "
            f"| {sum(1 for r in runs if r.ride_violations)} "
            f"| {statistics.fmean(r.seconds for r in runs):.2f} |"
        )
    title = (
        f"Meal routes, seed {args.seed}, {args.date}, {len(canteens)} canteens (every "
        f"{args.every}th of 300), budget {args.budget:g} s, ride limit "
        f"{rules.ride_limit_seconds // 60} min; ortools {version('ortools')}, "
        f"pyvrp {version('pyvrp')}"
    )
    print(title)
    print("\n".join(lines))
    if args.markdown:
        args.markdown.write_text(title + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
