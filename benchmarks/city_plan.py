"""Whole-city nightly plan on the local stack: wall time, per-community solve time, visits.

Runs the real pipeline (Scheduler tick -> planner -> SQS -> solver processes -> routes table)
on a fresh local stack with the synthetic city, and prints the figures beside the targets
of the planning target (whole city <= 60 s wall on 2 cores, per-community solve <= 2 s p99). For
comparison it also plans the same days in one process with no storage at all
(`routing_only_*`): what the routing core costs without the emulated AWS around it.

    .venv/bin/python benchmarks/city_plan.py [--seed 7] [--date 2026-12-01] [--workers 2]
        [--districts Heping ...] [--scale 1.0] [--compare-workers] [--routes-out FILE]
        [--skip-routing-only] [--repeatable]

It also prints the CPU seconds each process spent while the night was planned (read from
/proc: the moto server, the solver workers, this process with the planner and the pump), the
time and CPU (all processes) until the planner's fan-out ended (the solver workers take each
district's jobs as soon as it sends them, so they work beside it), and
`--routes-out` writes the stored routes without their timings, sorted, so two commits' plans
can be compared with `diff` ("same routes"); with `--repeatable` every search ends on its
solution limit (simulation_parts.py), so two runs on a loaded machine plan the same routes.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from careroute_synthetic.city import generate_city
from repeatable import repeatable_searches
from rich.console import Console

from careroute.domain.percentiles import percentile
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Elder, Registry
from careroute.service_layer.route_plan import plan_day
from careroute_local import main_job
from careroute_local.stack import SERVER_MODULE

TARGET_WALL_S = 60.0
TARGET_P99_MS = 2000.0
REPEATABLE = "CITY_PLAN_REPEATABLE"
"""Set by --repeatable for the solver workers: spawned, each runs this module's top level
again (as `__mp_main__`) and lifts its own searches' time caps there."""

if os.environ.get(REPEATABLE):
    repeatable_searches()


def routing_only(city: Registry, plan_date: date) -> dict[str, float]:
    """The same days planned in this process with no storage: the routing core's own cost."""
    policy = load_policy()
    elders: dict[str, list[Elder]] = defaultdict(list)
    for elder in city.elders:
        elders[elder.community_id].append(elder)
    stewards = {s.community_id: s for s in city.stewards}
    started = time.perf_counter()
    cpu_started = time.process_time()
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
        "routing_only_cpu_s": time.process_time() - cpu_started,
        "routing_solve_p50_ms": percentile(solve_ms, 0.5),
        "routing_solve_p99_ms": percentile(solve_ms, 0.99),
    }


def cpu_seconds_by_process() -> dict[int, tuple[str, float]]:
    """This process and its descendants (pid -> command line, CPU seconds so far), from /proc."""
    parents: dict[int, int] = {}
    seconds: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        seconds[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    mine = {os.getpid()}
    grew = True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in mine} - mine
        grew = bool(children)
        mine |= children
    found: dict[int, tuple[str, float]] = {}
    for pid in mine:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found[pid] = (command, seconds[pid])
    return found


def cpu_spent(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds between two readings, per kind of process."""
    spent = {"cpu_moto_server_s": 0.0, "cpu_solver_workers_s": 0.0, "cpu_this_process_s": 0.0}
    for pid, (command, seconds) in after.items():
        used = seconds - before.get(pid, (command, 0.0))[1]
        if SERVER_MODULE in command:
            spent["cpu_moto_server_s"] += used
        elif pid == os.getpid():
            spent["cpu_this_process_s"] += used
        elif "spawn_main" in command:
            spent["cpu_solver_workers_s"] += used
    spent["cpu_total_s"] = sum(spent.values())
    return spent


def comparable(routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The routes without what differs from run to run (the solve time, the run id), sorted."""
    kept = []
    for document in sorted(routes, key=lambda d: d["steward_id"]):
        stats = {k: v for k, v in document["stats"].items() if k != "solve_ms"}
        kept.append({**{k: v for k, v in document.items() if k != "run_id"}, "stats": stats})
    return kept


def run_once(args: argparse.Namespace, workers: int, console: Console) -> dict[str, float]:
    started = time.perf_counter()
    city = generate_city(args.seed, as_of=args.date, districts=args.districts, scale=args.scale)
    generated = time.perf_counter() - started
    alone = {} if args.skip_routing_only else routing_only(city, args.date)
    with main_job.local_stack() as (_stack, pump):
        started = time.perf_counter()
        main_job.load_registry(city, args.date, console)
        loaded = time.perf_counter() - started
        cpu_before = cpu_seconds_by_process()
        fanned_out: dict[str, float] = {}

        def on_fanned_out(_jobs: int) -> None:  # the tick's fan-out is done: its last jobs go
            fanned_out["fan_out_s"] = time.perf_counter() - started
            cpu_then = cpu_spent(cpu_before, cpu_seconds_by_process())
            fanned_out["fan_out_cpu_s"] = cpu_then["cpu_total_s"]

        started = time.perf_counter()
        run = main_job.plan_night(
            pump, args.date, console, workers=workers, on_fanned_out=on_fanned_out
        )
        cpu = cpu_spent(cpu_before, cpu_seconds_by_process())
    if args.routes_out is not None:
        args.routes_out.write_text(json.dumps(comparable(run.routes), indent=1, sort_keys=True))
    s = run.summary
    return {
        "communities": len(city.communities),
        "elders": len(city.elders),
        "generate_s": generated,
        "import_s": loaded,
        "plan_wall_s": run.seconds,
        **fanned_out,
        "routes": s.routes,
        "visits_planned": s.visits_planned,
        "unassigned": s.unassigned,
        "mandatory_unassigned": s.mandatory_unassigned,
        "fallback_routes": s.fallback_routes,
        "solve_p50_ms": s.solve_ms_p50,
        "solve_p99_ms": s.solve_ms_p99,
        "solve_max_ms": s.solve_ms_max,
        "jobs_failed": run.dead_letters,
        **cpu,
        **alone,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 12, 1))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--districts", nargs="+")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--routes-out", type=Path, help="write the stored routes here")
    parser.add_argument(
        "--skip-routing-only", action="store_true", help="leave out the storage-free run"
    )
    parser.add_argument(
        "--repeatable",
        action="store_true",
        help="searches end on their solution limit only, so a loaded machine plans the same routes",
    )
    parser.add_argument(
        "--compare-workers", action="store_true", help="also run with 1 worker, side by side"
    )
    args = parser.parse_args()
    if args.repeatable:
        os.environ[REPEATABLE] = "1"  # the solver workers spawned later read it
        repeatable_searches()
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
