"""Whole-city nightly plan on the local stack: wall time, per-community solve time, visits.

Runs the real pipeline (Scheduler tick -> planner -> SQS -> solver processes -> routes table)
on a fresh local stack with the synthetic city, and prints the figures beside the targets
of the planning target (whole city <= 60 s wall on 2 cores, per-community solve <= 2 s p99). For
comparison it also plans the same days in one process with no storage at all
(`routing_only_*`): what the routing core costs without the emulated AWS around it.

    .venv/bin/python benchmarks/city_plan.py [--seed 7] [--date 2026-12-01] [--workers 2]
        [--districts Heping ...] [--scale 1.0] [--compare-workers]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from datetime import date

from careroute_synthetic.city import generate_city
from rich.console import Console

from careroute.domain.percentiles import percentile
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Elder, Registry
from careroute.service_layer.route_plan import plan_day
from careroute_local import main_job

TARGET_WALL_S = 60.0
TARGET_P99_MS = 2000.0


def routing_only(city: Registry, plan_date: date) -> dict[str, float]:
    """The same days planned in this process with no storage: the routing core's own cost."""
    policy = load_policy()
    elders: dict[str, list[Elder]] = defaultdict(list)
    for elder in city.elders:
        elders[elder.community_id].append(elder)
    stewards = {s.community_id: s for s in city.stewards}
    started = time.perf_counter()
    solve_ms: list[float] = []
    for community in city.communities:
        day = plan_day(
            community, stewards[community.community_id], elders[community.community_id],
            plan_date, policy,
        )  # fmt: skip
        if day is not None:
            solve_ms.append(day.result.solve_ms)
    return {
        "routing_only_s": time.perf_counter() - started,
        "routing_solve_p50_ms": percentile(solve_ms, 0.5),
        "routing_solve_p99_ms": percentile(solve_ms, 0.99),
    }


def run_once(args: argparse.Namespace, workers: int, console: Console) -> dict[str, float]:
    started = time.perf_counter()
    city = generate_city(args.seed, as_of=args.date, districts=args.districts, scale=args.scale)
    generated = time.perf_counter() - started
    alone = routing_only(city, args.date)
    with main_job.local_stack() as (_stack, pump):
        started = time.perf_counter()
        main_job.load_registry(city, args.date, console)
        loaded = time.perf_counter() - started
        run = main_job.plan_night(pump, args.date, console, workers=workers)
    s = run.summary
    return {
        "communities": len(city.communities),
        "elders": len(city.elders),
        "generate_s": generated,
        "import_s": loaded,
        "plan_wall_s": run.seconds,
        "routes": s.routes,
        "visits_planned": s.visits_planned,
        "unassigned": s.unassigned,
        "mandatory_unassigned": s.mandatory_unassigned,
        "fallback_routes": s.fallback_routes,
        "solve_p50_ms": s.solve_ms_p50,
        "solve_p99_ms": s.solve_ms_p99,
        "solve_max_ms": s.solve_ms_max,
        "jobs_failed": run.dead_letters,
        **alone,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 12, 1))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--districts", nargs="+")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--compare-workers", action="store_true", help="also run with 1 worker, side by side"
    )
    args = parser.parse_args()
    console = Console(stderr=True)
    runs = {f"{args.workers} workers": run_once(args, args.workers, console)}
    if args.compare_workers and args.workers != 1:
        runs["1 worker"] = run_once(args, 1, console)
    names = list(runs)
    print(f"\nWhole-city plan for {args.date} (seed {args.seed}, scale {args.scale})")
    print(f"{'figure':<24}" + "".join(f"{n:>16}" for n in names))
    for key in runs[names[0]]:
        print(f"{key:<24}" + "".join(f"{runs[n][key]:>16,.1f}" for n in names))
    best = runs[names[0]]
    print(
        f"\nwall {best['plan_wall_s']:.1f} s vs target {TARGET_WALL_S:.0f} s "
        f"(ratio {best['plan_wall_s'] / TARGET_WALL_S:.2f}); "
        f"solve p99 {best['solve_p99_ms']:.0f} ms vs target {TARGET_P99_MS:.0f} ms "
        f"(ratio {best['solve_p99_ms'] / TARGET_P99_MS:.3f})"
    )
    if len(names) > 1:
        print(
            f"speed-up of {names[0]} over {names[1]}: "
            f"{runs[names[1]]['plan_wall_s'] / best['plan_wall_s']:.2f}x"
        )


if __name__ == "__main__":
    main()
