"""Horizon planning alone over a month of the whole city: misses and load, side by side.

Replays a month per community with the horizon planner only (no router, no storage): each
working night plans, each day attempts the day's visits up to the steward's daily visit
cap, and a not-home / refusal draw decides each attempt. It isolates what the day-choosing
policy does (retry margins, levelling) from the router and the pipeline, which
`careroute simulate` exercises end to end, and runs in about a minute per variant.

    .venv/bin/python benchmarks/horizon_month.py [--month 2026-12] [--seed 7]
        [--not-home 0.15] [--refuse 0.03] [--communities N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from itertools import pairwise

from careroute_synthetic.city import generate_city

from careroute.domain.due import WorkCalendar, month_end
from careroute.domain.policy import Policy, load_policy
from careroute.domain.vocabulary import CHINA_TZ, Elder, ElderStatus, Registry, Tier
from careroute.planning.absence_cover import Workload, visits_to_offload
from careroute.planning.horizon import plan_horizon
from careroute.service_layer.route_plan import day_capacity
from careroute_local.simulation.config import Rates


@dataclass
class Tally:
    attempts: int = 0
    completed: int = 0
    cadence_misses: int = 0
    monthly_misses: int = 0
    overloaded_community_days: int = 0
    capped_visits: int = 0
    """Visits the horizon gave a day beyond the steward's visit cap (left for later)."""
    offloaded: int = 0
    """Visits handed to neighbours because the steward's days were full."""


def with_retry(policy: Policy, retry: tuple[int, int, int]) -> Policy:
    tiers = {
        tier: replace(policy.tiers[tier], retry_days=days)
        for tier, days in zip((Tier.T1, Tier.T2, Tier.T3), retry, strict=True)
    }
    return replace(policy, tiers=tiers)


def replay(
    city: Registry,
    first: date,
    policy: Policy,
    fail_rate: float,
    seed: int,
    help_from_neighbours: bool,
) -> Tally:
    rng = random.Random(seed)
    last = month_end(first)
    tally = Tally()
    by_community: dict[str, list[Elder]] = defaultdict(list)
    for elder in city.elders:
        by_community[elder.community_id].append(elder)
    stewards = {s.community_id: s for s in city.stewards}
    for community in city.communities:
        steward = stewards[community.community_id]
        calendar = WorkCalendar.of(steward)
        elders = {e.elder_id: e for e in by_community[community.community_id]}
        capacity = day_capacity(community, steward, list(elders.values()), policy)
        done: dict[str, list[date]] = defaultdict(list)
        day = first
        while day <= last:
            if calendar.works_on(day):
                plan = plan_horizon(elders.values(), calendar, day, policy, capacity)
                tally.overloaded_community_days += day in plan.overloaded_days()
                todays = plan.on(day)
                tally.capped_visits += max(0, len(todays) - steward.max_visits_per_day)
                attempts = [v.elder for v in todays[: steward.max_visits_per_day]]
                if help_from_neighbours and plan.overflow():
                    load = Workload(community, steward, list(elders.values()), capacity)
                    handed = visits_to_offload(load, day, frozenset(), policy)
                    tally.offloaded += len(handed)
                    attempts += [elders[v.elder_id] for v in handed]
                for elder in attempts:
                    tally.attempts += 1
                    if rng.random() < fail_rate:
                        at = datetime.combine(day, datetime.min.time(), CHINA_TZ)
                        elders[elder.elder_id] = replace(elder, last_attempt_at=at.replace(hour=10))
                        continue
                    tally.completed += 1
                    elders[elder.elder_id] = replace(elder, last_visited_on=day)
                    done[elder.elder_id].append(day)
            day += timedelta(days=1)
        for elder in by_community[community.community_id]:
            if elder.status is not ElderStatus.ACTIVE:
                continue
            visits = done[elder.elder_id]
            if not visits:
                tally.monthly_misses += 1
            cadence = policy.tiers[policy.tier_of(elder, first)].cadence_days
            if cadence is None or elder.last_visited_on is None:
                continue
            ends = [elder.last_visited_on, *visits, last + timedelta(days=1)]
            if any((b - a).days > cadence for a, b in pairwise(ends)):
                tally.cadence_misses += 1
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--month", default="2026-12")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--not-home", type=float, default=Rates.not_home)
    parser.add_argument("--refuse", type=float, default=Rates.refuse)
    parser.add_argument("--communities", type=int, default=0, help="first N only (0 = all)")
    args = parser.parse_args(argv)
    first = date.fromisoformat(args.month + "-01")
    city = generate_city(args.seed, as_of=first - timedelta(days=1))
    if args.communities:
        keep = {c.community_id for c in city.communities[: args.communities]}
        city = replace(
            city,
            communities=tuple(c for c in city.communities if c.community_id in keep),
            stewards=tuple(s for s in city.stewards if s.community_id in keep),
            elders=tuple(e for e in city.elders if e.community_id in keep),
        )
    base = load_policy()
    fail = args.not_home + args.refuse
    print(
        f"{len(city.communities)} communities, {len(city.elders)} elders, {args.month}, "
        f"failed-attempt rate {fail:.2f} (not home {args.not_home}, refused {args.refuse})"
    )
    print(
        "retry T1/T2/T3  help  attempts  completed  cadence-miss  monthly-miss  "
        "overloaded  capped  handed   s"
    )
    default = (1, 1, 3)
    variants = [((0, 0, 0), False), ((0, 0, 0), True), ((1, 1, 3), False), ((1, 1, 3), True)]
    variants += [((1, 2, 3), True), ((2, 2, 3), True)]
    for retry, helped in variants:
        started = time.perf_counter()
        t = replay(city, first, with_retry(base, retry), fail, args.seed, helped)
        mark = " (default)" if retry == default and helped else ""
        print(
            f"{'/'.join(map(str, retry)):<15} {'yes' if helped else 'no':<5} {t.attempts:>8} "
            f"{t.completed:>10} {t.cadence_misses:>13} {t.monthly_misses:>13} "
            f"{t.overloaded_community_days:>11} {t.capped_visits:>7} {t.offloaded:>7} "
            f"{time.perf_counter() - started:>4.0f}{mark}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
