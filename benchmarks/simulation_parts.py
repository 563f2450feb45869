"""Where a memory-engine simulation's wall time goes: each solve by kind, each part of a day.

Runs `careroute simulate` unchanged (the same options) with timers around the engine's calls
and prints, at the end, the wall seconds per kind of solve (the night's plan; the re-plans of
one sick call; the morning's re-plans after the discharges and sick calls), how many jobs
each solved and how many of them carried cover or kept it, and the seconds of the day's other
parts (discharges, the stewards' walks, the projector, follow-ups, the time the month waits
for the programmes' process). With `--workers 1` every job is solved in this process, so the
seconds per job are split by kind of job too (nightly with or without cover, same-day
re-plans).

    .venv/bin/python benchmarks/simulation_parts.py --month 2026-12 --engine memory \
        --days 5 [--districts D07] [--workers 2] [--profile FILE] --out DIR

`--repeatable` lifts the routers' time cap (`routing.default_limits`), so every search ends on
its solution limit and two runs of the same seed make the same month on any load (how two
trees are compared). `--profile FILE` also writes this process's cProfile (the forked solver
workers are not in it); `--profile-programmes FILE` the programmes' process's (the memory
engine's), whose parts' seconds it prints when it ends. Each part shows its wall and this
process's CPU seconds; at the end, the CPU of this process, of the programmes' process and of
all ended children (the solver workers are the children less the programmes' process).
"""

from __future__ import annotations

import cProfile
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from repeatable import repeatable_searches

from careroute.messages.visits import PlanJob
from careroute_local import assessment_sim, bed_sim, claim_sim, inspection_sim, programme_sim
from careroute_local.simulation import day as day_module
from careroute_local.simulation import memory_engine, month, programme_process, solver_pool
from careroute_local.simulation.engine import PlanDrain

SECONDS: dict[str, float] = defaultdict(float)
CPU: dict[str, float] = defaultdict(float)
"""This process's CPU seconds in each part (a solve's are its waiting: the workers solve)."""
CALLS: dict[str, int] = defaultdict(int)
JOBS: dict[str, int] = defaultdict(int)
PHASE = ["nightly"]
"""The kind of solve the next `solve()` is: set by the timed day parts around it."""


def _timed(name: str, function: Callable[..., Any], phase: str | None = None) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        before = PHASE[0]
        if phase is not None:
            PHASE[0] = phase
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SECONDS[name] += time.perf_counter() - started
            CPU[name] += time.process_time() - cpu
            CALLS[name] += 1
            PHASE[0] = before

    return timed


def _job_kind(job: PlanJob) -> str:
    if job.keep_cover:
        return "job re-plan (keep cover)" + (" + cover" if job.cover else "")
    return "job nightly" + (" + cover" if job.cover else "")


def _patch() -> None:
    solve_all, solve_one = solver_pool.solve_all, solver_pool.solve_one

    def counted_solve_all(jobs: list[PlanJob], *args: Any) -> Any:
        for job in jobs:
            JOBS[f"{PHASE[0]}: {_job_kind(job)}"] += 1
        JOBS[f"{PHASE[0]}: jobs"] += len(jobs)
        return solve_all(jobs, *args)

    def timed_solve_one(job: PlanJob, *args: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return solve_one(job, *args)
        finally:  # only in this process (--workers 1, or too few jobs to fork)
            SECONDS[f"in-process {_job_kind(job)}"] += time.perf_counter() - started
            CPU[f"in-process {_job_kind(job)}"] += time.process_time() - cpu
            CALLS[f"in-process {_job_kind(job)}"] += 1

    memory_engine.solve_all = counted_solve_all  # type: ignore[assignment]
    solver_pool.solve_one = timed_solve_one  # type: ignore[assignment]

    solve = memory_engine.MemoryEngine.solve

    def timed_solve(self: Any) -> PlanDrain:
        return _timed(f"solve: {PHASE[0]}", solve)(self)  # type: ignore[no-any-return]

    memory_engine.MemoryEngine.solve = timed_solve  # type: ignore[method-assign]
    engine = memory_engine.MemoryEngine
    for name in ("fan_out", "set_leave", "set_elder_status", "project", "fetch_route"):
        setattr(engine, name, _timed(f"engine.{name}", getattr(engine, name)))
    day_module._fall_sick = _timed("sick calls (with their solves)", day_module._fall_sick,
                                   "sick call")  # fmt: skip
    day_module._discharge = _timed("discharges", day_module._discharge, "morning")
    day_module.walk_route = _timed("walks", day_module.walk_route)
    day_module.follow_up = _timed("follow-ups", day_module.follow_up)
    day_module.duty_round = _timed("duty rounds", day_module.duty_round)
    programme_day = month.ProgrammeDays.day  # the stack engine's, in this process
    month.ProgrammeDays.day = _timed("programmes", programme_day)  # type: ignore[method-assign]
    apart = programme_process.ProgrammesApart
    waited = _timed("programmes (the month waits)", apart.day)
    apart.day = waited  # type: ignore[method-assign]
    for name, label in (("close_the_month", "month close"), ("check_stored", "check")):
        if hasattr(month, name):  # an older tree may have no month's close
            setattr(month, name, _timed(label, getattr(month, name)))
    one_day = day_module.one_day

    def day_with_phases(*args: Any) -> Any:
        PHASE[0] = "nightly"
        return one_day(*args)

    month.one_day = _timed("one_day", day_with_phases)


PROGRAMME_PARTS = (
    (bed_sim.BedDays, "day", "beds"),
    (programme_sim.ProgrammeDays, "_follow_registry", "registry statuses"),
    (programme_sim.ProgrammeDays, "_visits_of_the_day", "the day's visits read"),
    (assessment_sim.AssessmentDays, "walks", "assessors' walks"),
    (assessment_sim.AssessmentDays, "after_walks", "assessment requests and plans"),
    (claim_sim.ClaimDays, "day", "benefit claims"),
    (programme_sim.ProgrammeDays, "_lunches", "lunches"),
    (programme_sim.ProgrammeDays, "_day_care", "day care"),
    (inspection_sim.MemoryInspectionDays, "day", "inspections"),
    (programme_sim.ProgrammeDays, "engine_part", "the part the engine waits for"),
    (programme_sim.ProgrammeDays, "rest_of_day", "the rest of the day"),
)


def time_programme_parts() -> None:
    """Each programme's seconds, in SECONDS under "programmes: ..."."""
    for owner, name, label in PROGRAMME_PARTS:
        if hasattr(owner, name):  # an older tree may not have split the day this way
            setattr(owner, name, _timed(f"programmes: {label}", getattr(owner, name)))


def _programme_parts(profile_to: str | None) -> None:
    """Each programme's seconds (printed by the programmes' process when it ends) and, with
    `profile_to`, that process's cProfile."""
    time_programme_parts()
    serve = programme_process._serve

    def timed_serve(*args: Any) -> None:
        profiler = cProfile.Profile() if profile_to else None
        if profiler:
            profiler.enable()
        try:
            serve(*args)
        finally:
            if profiler and profile_to:
                profiler.disable()
                profiler.dump_stats(profile_to)
            for name in sorted(SECONDS):
                if name.startswith("programmes: "):
                    print(_line(name), flush=True)
            print(f"{'CPU of the programmes process':55s} {_cpu(resource.RUSAGE_SELF):9.1f} s")

    programme_process._serve = timed_serve


def _morning_phase() -> None:
    """After the sick calls, `one_day`'s next solve is the morning's (returns and sick)."""
    fall_sick = day_module._fall_sick

    def then_morning(*args: Any) -> Any:
        result = fall_sick(*args)
        PHASE[0] = "morning"
        return result

    day_module._fall_sick = then_morning


def _line(name: str) -> str:
    return f"{name:55s} {CALLS[name]:7d} calls {SECONDS[name]:9.1f} s wall {CPU[name]:7.1f} s CPU"


def _cpu(who: int) -> float:
    """User + system CPU seconds of this process, or of its children that have ended."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    argv = sys.argv[1:]
    profile_to = None
    if "--profile" in argv:
        at = argv.index("--profile")
        profile_to = argv[at + 1]
        del argv[at : at + 2]
    programmes_to = None
    if "--profile-programmes" in argv:
        at = argv.index("--profile-programmes")
        programmes_to = argv[at + 1]
        del argv[at : at + 2]
    if "--repeatable" in argv:
        argv.remove("--repeatable")
        repeatable_searches()
    _patch()
    _programme_parts(programmes_to)
    _morning_phase()
    from careroute_local.cli import main as cli_main

    sys.argv = ["careroute", "simulate", *argv]
    profiler = cProfile.Profile() if profile_to else None
    started = time.perf_counter()
    try:
        if profiler:
            profiler.enable()
        cli_main()
    except SystemExit:
        pass
    finally:
        if profiler and profile_to:
            profiler.disable()
            profiler.dump_stats(profile_to)
        wall = time.perf_counter() - started
        print(f"\nwall {wall:.1f} s")
        for name in sorted(SECONDS):
            print(_line(name))
        print(f"{'CPU of this process':55s} {_cpu(resource.RUSAGE_SELF):9.1f} s")
        children = "CPU of its ended children (solver workers, programmes)"
        print(f"{children:55s} {_cpu(resource.RUSAGE_CHILDREN):9.1f} s")
        for name in sorted(JOBS):
            print(f"{name:55s} {JOBS[name]:7d} jobs")


if __name__ == "__main__":
    main()
