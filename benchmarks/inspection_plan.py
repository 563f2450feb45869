"""Whole-city inspection day: targets due, planned, per-district solve time, unassigned
mandatory targets.

1. Local stack, real handlers: the synthetic city's communities and inspection targets are
   loaded, the inspection planner's schedule fires for the plan date, the district jobs go
   through SQS to the inspection solver (fleet router + validator -> routes table).
2. In process, no storage: the same city over `--days` consecutive working days, every
   planned target inspected that day (its due date advances), so the figures show the
   steady state rather than the first day alone.

    .venv/bin/python benchmarks/inspection_plan.py [--seed 7] [--date 2026-12-01] [--days 10]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from careroute_synthetic.city import generate_city
from careroute_synthetic.inspections import generate_inspections
from rich.console import Console

from careroute.domain.inspections import (
    CHECKLIST,
    InspectionResult,
    InspectionWorld,
    ItemScore,
    candidates,
    next_due,
)
from careroute.domain.percentiles import percentile
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ
from careroute.planning.inspections import inspection_problem, plan_documents
from careroute.routing import default_limits, solve_fleet
from careroute_local import main_job


def working_day(on: date) -> date:
    while on.weekday() >= 5:
        on += timedelta(days=1)
    return on


def on_the_stack(city_communities: list, plan_date: date, seed: int) -> dict[str, object]:  # type: ignore[type-arg]
    console = Console(stderr=True)
    with main_job.local_stack(log_level="WARNING") as (_stack, pump):
        # Imported once the stack has set POWERTOOLS_* (the handlers' Metrics read them).
        from careroute.adapters.dynamodb import inspections, registry
        from careroute_local.inspection_job import plan_inspections

        registry.save_communities(city_communities)
        started = time.perf_counter()
        run = plan_inspections(pump, plan_date, seed, plan_date - timedelta(days=1))
        wall = time.perf_counter() - started
        solve = []
        for district_id in sorted({c.district_id for c in city_communities}):
            summary = inspections.plan_summary(district_id, plan_date)
            if summary:
                solve.append(summary["solve_ms"])
    console.print(run.line(plan_date))
    return {
        "stack_wall_s (load + plan)": round(wall, 1),
        "stack_load_targets_s": round(run.load_seconds, 1),
        "targets_loaded": run.targets,
        "due_or_upcoming": run.candidates,
        "mandatory (overdue or last day)": run.mandatory,
        "planned": run.planned,
        "unassigned_mandatory": run.unassigned_mandatory,
        "district_solve_p50_ms": round(percentile(solve, 0.5)),
        "district_solve_p99_ms": round(percentile(solve, 0.99)),
    }


def rolling(world: InspectionWorld, first: date, days: int) -> dict[str, object]:
    """`days` working days in process; planned targets are inspected on their day."""
    policy = load_policy()
    rules = policy.inspections
    targets = {t.target_id: t for t in world.targets}
    solve_ms: list[float] = []
    mandatory = planned = unassigned = 0
    day = working_day(first)
    for _ in range(days):
        following = working_day(day + timedelta(days=1))
        for district_id in sorted({i.district_id for i in world.inspectors}):
            staff = [i for i in world.inspectors if i.district_id == district_id]
            due = [t for t in targets.values() if t.district_id == district_id]
            chosen = candidates(due, day, following, rules)
            problem = inspection_problem(chosen, staff, rules, policy.circuity)
            result = solve_fleet(problem, default_limits(len(chosen)), seed=0)
            plan = plan_documents(district_id, day, "bench", chosen, problem, result)
            solve_ms.append(result.solve_ms)
            mandatory += plan.summary["mandatory"]
            planned += plan.summary["planned"]
            unassigned += plan.summary["unassigned_mandatory"]
            at = datetime.combine(day, clock_time(10), CHINA_TZ)
            for route in plan.routes:
                for stop in route["stops"]:
                    t = targets[stop["target_id"]]
                    done = InspectionResult(
                        result_id="bench", target_id=t.target_id, kind=t.kind,
                        inspector_id=route["inspector_id"], district_id=district_id,
                        inspected_at=at,
                        scores=tuple(ItemScore(item, 4) for item in CHECKLIST[t.kind]),
                        due_date=t.due_date,
                    )  # fmt: skip
                    targets[t.target_id] = replace(
                        t, due_date=next_due(t, done, rules), last_inspected=day
                    )
        day = following
    overdue = sum(1 for t in targets.values() if t.due_date is not None and t.due_date < day)
    return {
        f"{days}_days_mandatory": mandatory,
        f"{days}_days_planned": planned,
        f"{days}_days_unassigned_mandatory": unassigned,
        "planned_per_day": round(planned / days, 1),
        "district_day_solve_p50_ms": round(percentile(solve_ms, 0.5)),
        "district_day_solve_p99_ms": round(percentile(solve_ms, 0.99)),
        "overdue_after": overdue,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 12, 1))
    parser.add_argument("--days", type=int, default=10)
    args = parser.parse_args()
    plan_date = working_day(args.date)
    city = generate_city(args.seed, as_of=plan_date - timedelta(days=1))
    world = generate_inspections(args.seed, city.communities, as_of=plan_date - timedelta(days=1))
    figures: dict[str, object] = {
        "institutions": sum(1 for t in world.targets if t.kind.value == "institution"),
        "home_care_beds": sum(1 for t in world.targets if t.kind.value == "home_care_bed"),
        "adaptation_jobs": sum(1 for t in world.targets if t.kind.value == "adaptation"),
        "inspectors": len(world.inspectors),
    }
    figures |= on_the_stack(list(city.communities), plan_date, args.seed)
    figures |= rolling(world, plan_date, args.days)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"inspection_plan seed={args.seed} date={plan_date} ({stamp})")
    for key, value in figures.items():
        print(f"  {key:38} {value}")


if __name__ == "__main__":
    main()
