"""Points drawn at random around a place: how the synthetic city scatters its streets around
a district's centre, communities around their street, homes, facilities and inspection
targets around their community; a district's communities, and their centre, where the
district's offices and providers are based."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence

from careroute.domain.vocabulary import Community, GeoPoint
from careroute.planning.service_circle import METRES_PER_DEGREE_LAT


def point_near(
    rng: random.Random, centre: GeoPoint, radius_m: float, *, decimals: int | None = 6
) -> GeoPoint:
    """A point drawn uniformly inside the circle of `radius_m` around `centre` (two draws of
    `rng`: the distance, then the bearing), rounded to `decimals` places (6: ~0.1 m, as the
    registry keeps places; None: not rounded)."""
    distance = radius_m * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    lat = centre.lat + distance * math.cos(angle) / METRES_PER_DEGREE_LAT
    lng = centre.lng + distance * math.sin(angle) / (
        METRES_PER_DEGREE_LAT * math.cos(math.radians(centre.lat))
    )
    if decimals is None:
        return GeoPoint(lat, lng)
    return GeoPoint(round(lat, decimals), round(lng, decimals))


def centre_of(communities: Sequence[Community], *, decimals: int | None = None) -> GeoPoint:
    """The mean of the communities' places (a district's office, a provider's base), rounded
    to `decimals` places when given."""
    lat = sum(c.location.lat for c in communities) / len(communities)
    lng = sum(c.location.lng for c in communities) / len(communities)
    if decimals is None:
        return GeoPoint(lat, lng)
    return GeoPoint(round(lat, decimals), round(lng, decimals))


def by_district(communities: Iterable[Community]) -> dict[str, list[Community]]:
    """District id -> its communities, in the order given."""
    found: dict[str, list[Community]] = {}
    for community in communities:
        found.setdefault(community.district_id, []).append(community)
    return found
