"""What `careroute run` adds for the meal and needs-assessment flows on the default
city: tomorrow's lunch routes from the synthetic canteens and the synthetic assessors and
requests with tomorrow's assessment routes, through the real handlers on the local stack.
Prints the seconds each step adds to the main job (the registry load is not counted).
Also the 15-minute service circle: the start-up count from the registry in memory (what the
daily ServiceCircleCountFunction stores), then GET /coverage?scope=city reading it.

    .venv/bin/python benchmarks/care_flows_startup.py [--seed 7] [--scale 1.0] [--workers 2]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from careroute_synthetic.city import generate_city
from rich.console import Console

from careroute_local import main_job


def coverage_reads(pump: Any, month: str) -> tuple[float, float]:
    """GET /coverage?scope=city: seconds for the first read (a cold container) and
    milliseconds for a second."""
    headers = {"authorization": f"Bearer {pump.issuer.token('city_admin')}"}
    query = {"month": month, "scope": "city"}
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        response = pump.invoke_http("GET", "/coverage", headers=headers, query=query)
        timings.append(time.perf_counter() - started)
        assert response.status == 200, response.body
    return timings[0], timings[1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 12, 1))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--meals", default="district",
        help="district (the one with the fewest canteens, careroute run's default), a "
        "district id, or city",
    )  # fmt: skip
    args = parser.parse_args()
    plan_date = main_job.next_working_day(args.date - timedelta(days=1))
    as_of = plan_date - timedelta(days=1)
    console = Console(stderr=True)
    city = generate_city(args.seed, as_of=as_of, scale=args.scale)
    with main_job.local_stack(log_level="WARNING") as (_stack, pump):
        from careroute_local.care_flows_job import (
            count_service_circle,
            plan_assessments,
            plan_meals,
            quickest_district,
        )

        main_job.load_registry(city, as_of, console)
        started = time.perf_counter()
        count_service_circle(city, as_of, console)
        circle_count_s = time.perf_counter() - started
        choice = {"district": quickest_district(), "city": None}
        districts = choice.get(args.meals, [args.meals])
        meals = plan_meals(pump, plan_date, args.workers, districts)
        assessments = plan_assessments(pump, plan_date, args.seed, as_of, city)
        circle_first_s, circle_again_ms = coverage_reads(pump, as_of.strftime("%Y-%m"))
    console.print(meals.line(plan_date))
    console.print(assessments.line(plan_date))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"care_flows_startup seed={args.seed} scale={args.scale} meals={args.meals} "
        f"date={plan_date} ({stamp})"
    )
    figures = {
        "communities": len(city.communities),
        "elders": len(city.elders),
        "canteens": meals.canteens,
        "lunch_orders": meals.orders,
        "orders_planned": meals.planned,
        "meal_jobs_failed": meals.failed_jobs,
        "meal_step_s": round(meals.seconds, 1),
        "assessors": assessments.assessors,
        "assessment_requests": assessments.requests,
        "assessments_planned": assessments.planned,
        "assessment_load_s": round(assessments.load_seconds, 1),
        "assessment_step_s": round(assessments.seconds, 1),
        "circle_count_s": round(circle_count_s, 1),
        "coverage_city_first_s": round(circle_first_s, 1),
        "coverage_city_again_ms": round(circle_again_ms),
    }
    for key, value in figures.items():
        print(f"  {key:24} {value}")


if __name__ == "__main__":
    main()
