"""Per-community route solve time and quality on realistic steward days.

A steward walks (4.5 km/h, circuity 1.3) from a community centre in Shenyang to elders within
600 m, 08:30-17:00 with a 12:00-13:30 lunch break; visits take 20, 30 or 40 minutes; most
elders are in all day, ~15 % only in the morning, ~15 % only in the afternoon; a few visits are
due today (mandatory), the rest carry a penalty that grows as their deadline nears.

    .venv/bin/python benchmarks/route_solve.py [--instances 50] [--sizes 10 20 40 80]

Every route is checked by the independent validator; the table shows the violation count.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics

from careroute.domain.percentiles import percentile
from careroute.domain.vocabulary import GeoPoint, TimeWindow
from careroute.planning.travel import HaversineTravel
from careroute.routing import (
    RouteProblem,
    SolveStatus,
    Stop,
    default_limits,
    solve,
    validate_route,
)

SHENYANG = GeoPoint(41.80, 123.40)
RADIUS_M = 600.0
WALK = HaversineTravel(speed_kmh=4.5, circuity=1.3)
SHIFT = TimeWindow.parse("08:30", "17:00")
LUNCH = TimeWindow.parse("12:00", "13:30")
MORNING = TimeWindow.parse("08:30", "12:00")
AFTERNOON = TimeWindow.parse("13:30", "17:00")


def steward_day(n_stops: int, seed: int) -> RouteProblem:
    """A deterministic, realistic day with `n_stops` candidate visits."""
    rng = random.Random(f"route-solve-{n_stops}-{seed}")
    metres_per_deg_lat = 111_320.0
    metres_per_deg_lng = metres_per_deg_lat * math.cos(math.radians(SHENYANG.lat))
    depot = GeoPoint(
        SHENYANG.lat + rng.uniform(-0.05, 0.05), SHENYANG.lng + rng.uniform(-0.05, 0.05)
    )
    n_mandatory = min(6, max(1, round(0.15 * n_stops)))
    stops: list[Stop] = []
    for i in range(n_stops):
        distance = RADIUS_M * math.sqrt(rng.random())
        angle = rng.uniform(0, 2 * math.pi)
        location = GeoPoint(
            depot.lat + distance * math.sin(angle) / metres_per_deg_lat,
            depot.lng + distance * math.cos(angle) / metres_per_deg_lng,
        )
        roll = rng.random()
        window = MORNING if roll < 0.15 else AFTERNOON if roll < 0.30 else SHIFT
        days_to_deadline = rng.randint(1, 20)
        penalty = None if i < n_mandatory else 40_000 // days_to_deadline
        stops.append(
            Stop(
                stop_id=f"e{i:03d}",
                location=location,
                window=window,
                service_seconds=rng.choice((20, 30, 40)) * 60,
                penalty=penalty,
            )
        )
    rng.shuffle(stops)
    return RouteProblem(
        depot=depot,
        shift=SHIFT,
        lunch_break=LUNCH,
        stops=tuple(stops),
        travel=WALK,
        max_stops=rng.choice((10, 12, 16)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=50)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 40, 80])
    args = parser.parse_args()

    solve(steward_day(10, 0), default_limits(10))  # warm up imports and OR-Tools
    header = (
        f"{'stops':>5} {'limit ms':>8} {'sol lim':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'planned':>7} {'unassigned':>10} {'mand. dropped':>13} {'fallback':>8} "
        f"{'violations':>10}"
    )
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        limits = default_limits(n)
        times: list[int] = []
        planned: list[int] = []
        unassigned: list[int] = []
        mandatory_dropped = fallbacks = violations = 0
        for seed in range(args.instances):
            problem = steward_day(n, seed)
            result = solve(problem, limits)
            times.append(result.solve_ms)
            planned.append(len(result.stops))
            unassigned.append(len(result.unassigned))
            mandatory_dropped += sum(u.mandatory for u in result.unassigned)
            fallbacks += result.status is SolveStatus.FALLBACK
            violations += len(validate_route(problem, result))
        print(
            f"{n:>5} {limits.time_limit_ms:>8} {limits.solution_limit or 0:>7} "
            f"{statistics.median(times):>7.0f} {percentile(times, 0.99):>7.0f} "
            f"{statistics.mean(planned):>7.1f} {statistics.mean(unassigned):>10.1f} "
            f"{mandatory_dropped:>13} {fallbacks:>8} {violations:>10}"
        )


if __name__ == "__main__":
    main()
