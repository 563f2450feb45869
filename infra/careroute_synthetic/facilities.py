"""Synthetic service facilities for the 15-minute service circle: one day-care centre per
street (at one of its communities), a community service station in most urban communities and
fewer elsewhere, and the meal canteens (careroute_synthetic.meals).

The deployed circle reads its facilities from the service-facilities table; the local stack
fills that table from here. Pure: same communities and seed, same facilities.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from careroute.domain.vocabulary import Community, residential
from careroute.planning.meals import Canteen
from careroute.planning.service_circle import Facility, FacilityKind
from careroute_synthetic.city import DISTRICTS, AreaKind
from careroute_synthetic.meals import MEAL_SEED, generate_canteens
from careroute_synthetic.places import point_near

STATION_SHARE = {AreaKind.URBAN: 0.7, AreaKind.SUBURBAN: 0.45, AreaKind.RURAL: 0.25}
"""Share of communities with a community service station of their own."""
SITE_OFFSET_M = 250
"""How far from a community's centre a facility stands, at most."""


def generate_facilities(
    communities: Iterable[Community], seed: int, canteens: Sequence[Canteen] = ()
) -> tuple[Facility, ...]:
    """Day-care centres ("F0001"...), service stations, then the canteens (their own ids)."""
    rng = random.Random(seed)
    ordered = sorted(residential(communities), key=lambda c: c.community_id)
    kinds = {d.district_id: d.kind for d in DISTRICTS}
    by_street: dict[str, list[Community]] = {}
    for community in ordered:
        by_street.setdefault(community.street_id, []).append(community)
    found: list[Facility] = []

    def add(kind: FacilityKind, community: Community) -> None:
        where = point_near(rng, community.location, SITE_OFFSET_M)
        found.append(Facility(f"F{len(found) + 1:04d}", kind, community.district_id, where))

    for _, members in sorted(by_street.items()):
        add(FacilityKind.DAY_CARE, rng.choice(members))
    for community in ordered:
        kind = kinds.get(community.district_id, AreaKind.URBAN)
        if rng.random() < STATION_SHARE[kind]:
            add(FacilityKind.SERVICE_STATION, community)
    found += [
        Facility(c.canteen_id, FacilityKind.CANTEEN, c.district_id, c.location) for c in canteens
    ]
    return tuple(found)


def city_facilities(
    communities: Iterable[Community], seed: int = MEAL_SEED
) -> tuple[Facility, ...]:
    """Every facility of a synthetic city: the day-care centres, stations and canteens the
    local stack loads for these communities (the canteens the meal planner plans)."""
    ordered = sorted(residential(communities), key=lambda c: c.community_id)
    return generate_facilities(ordered, seed, generate_canteens(ordered, seed))
