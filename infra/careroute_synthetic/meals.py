"""Synthetic meal-help points (助餐点, "canteens") and their daily lunch orders.

Shenyang runs about 300 meal-help points with central delivery of elder meals. Canteens are
shared out over the districts in proportion to their communities (largest remainder, at
least one each) and placed at one of the district's communities; every community is served
by the nearest canteen of its district. A canteen has one delivery vehicle per two
communities it serves plus one: electric tricycles in town, vans in the rural counties.

Orders are drawn per elder from a stream seeded by (seed, day, elder id), so an elder's order
does not depend on which other elders are loaded: the same canteen, day and seed always give
the same orders, whether the whole city or one canteen's communities are read.

Pure: same communities or elders and seed, same canteens and orders.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from datetime import date

from careroute.domain.vocabulary import (
    Category,
    Community,
    Elder,
    ElderStatus,
    TimeWindow,
    residential,
)
from careroute.planning.meals import Canteen, MealOrder
from careroute.planning.travel import haversine_m
from careroute_synthetic.city import DISTRICTS, AreaKind, city_share
from careroute_synthetic.places import by_district

MEAL_SEED = 7
"""Seed of the canteens, facilities and lunch orders the local stack loads (whatever the
city's seed), so every run of the same city plans the same canteens and orders."""
CANTEENS = 300
VEHICLE_CAPACITY = 24
"""Meals in one vehicle's insulated boxes."""
SPEED_KMH = {AreaKind.URBAN: 15.0, AreaKind.SUBURBAN: 20.0, AreaKind.RURAL: 35.0}
"""Electric tricycles in town, vans in the counties."""

LUNCH = TimeWindow.parse("11:00", "12:30")
EARLY = TimeWindow.parse("11:00", "11:45")
LATE = TimeWindow.parse("11:45", "12:30")
ORDER_WINDOWS = (LUNCH, EARLY, LATE)
ORDER_WINDOW_WEIGHTS = (70, 15, 15)
BASE_ORDER_SHARE = 0.05
"""Share of active elders ordering lunch on a day, before the additions below."""
ORDER_SHARE_ADDED = {
    Category.LIVING_ALONE: 0.06,
    Category.DISABLED: 0.08,
    Category.SEVERELY_HANDICAPPED: 0.06,
}
AGE_80_ADDED = 0.04
TWO_MEALS_SHARE = 0.2
"""Orders for two (the elder and a spouse)."""


def canteen_counts(communities_per_district: dict[str, int], total: int) -> dict[str, int]:
    """Canteens per district: one each, the rest shared by communities (largest remainder);
    never more than a district's communities. Exactly `total` when that is possible."""
    districts = {d: n for d, n in communities_per_district.items() if n > 0}
    counts = dict.fromkeys(districts, 1)
    rest = total - len(districts)
    while rest > 0:
        room = {d: n - counts[d] for d, n in districts.items() if n > counts[d]}
        if not room:
            break
        weight = sum(districts[d] for d in room)
        quotas = {d: min(rest * districts[d] / weight, room[d]) for d in room}
        share = {d: math.floor(q) for d, q in quotas.items()}
        by_remainder = sorted(room, key=lambda d: (share[d] - quotas[d], d))
        for d in by_remainder[: rest - sum(share.values())]:
            if share[d] < room[d]:
                share[d] += 1
        for d, n in share.items():
            counts[d] += n
        rest = total - sum(counts.values())
        if not any(share.values()):
            break
    return counts


def generate_canteens(
    communities: Iterable[Community], seed: int, total: int | None = None
) -> tuple[Canteen, ...]:
    """Place `total` canteens over the districts of `communities` (ids "K001", ... in district
    order), each serving the communities of its district nearest to it. By default the full
    city's density: 300 for its 1,153 communities, proportionally fewer for a part of it."""
    ordered = sorted(residential(communities), key=lambda c: c.community_id)
    if total is None:
        total = city_share(CANTEENS, len(ordered))
    if total <= 0:
        raise ValueError(f"total canteens must be positive, got {total}")
    rng = random.Random(seed)
    districts = by_district(ordered)
    counts = canteen_counts({d: len(cs) for d, cs in sorted(districts.items())}, total)
    kinds = {d.district_id: d.kind for d in DISTRICTS}
    canteens: list[Canteen] = []
    for district_id, members in sorted(districts.items()):
        sites = sorted(rng.sample(members, counts[district_id]), key=lambda c: c.community_id)
        served: dict[str, list[str]] = {site.community_id: [] for site in sites}
        for community in members:
            nearest = min(sites, key=lambda s: haversine_m(s.location, community.location))
            served[nearest.community_id].append(community.community_id)
        kind = kinds.get(district_id, AreaKind.URBAN)
        for site in sites:
            canteens.append(
                Canteen(
                    canteen_id=f"K{len(canteens) + 1:03d}",
                    district_id=district_id,
                    street_id=site.street_id,
                    location=site.location,
                    community_ids=tuple(served[site.community_id]),
                    vehicles=len(served[site.community_id]) // 2 + 1,
                    vehicle_capacity=VEHICLE_CAPACITY,
                    speed_kmh=SPEED_KMH[kind],
                )
            )
    return tuple(canteens)


def order_share(elder: Elder, day: date) -> float:
    """How likely an elder orders lunch on a day: more if alone, disabled or 80+."""
    share = BASE_ORDER_SHARE + sum(
        added for category, added in ORDER_SHARE_ADDED.items() if category in elder.categories
    )
    return share + (AGE_80_ADDED if elder.age_on(day) >= 80 else 0.0)


def daily_orders(
    canteen: Canteen, elders: Iterable[Elder], day: date, seed: int
) -> tuple[MealOrder, ...]:
    """The day's lunch orders of the active elders of the canteen's communities, by elder id."""
    served = set(canteen.community_ids)
    orders = []
    for elder in sorted(elders, key=lambda e: e.elder_id):
        if elder.community_id not in served or elder.status is not ElderStatus.ACTIVE:
            continue
        rng = random.Random(f"{seed}:{day.isoformat()}:{elder.elder_id}")
        if rng.random() >= order_share(elder, day):
            continue
        meals = 2 if rng.random() < TWO_MEALS_SHARE else 1
        window = rng.choices(ORDER_WINDOWS, weights=ORDER_WINDOW_WEIGHTS)[0]
        orders.append(
            MealOrder(
                f"{day.isoformat()}:{elder.elder_id}",
                elder.elder_id,
                canteen.canteen_id,
                elder.location,
                meals,
                window,
            )
        )
    return tuple(orders)
