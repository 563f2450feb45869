"""A steward's day around one depot, shared by the daily router's and the validator's tests:
the depot, walking travel, the standard shift and lunch break, and places by metres."""

from __future__ import annotations

import math

from careroute.domain.vocabulary import GeoPoint, TimeWindow
from careroute.planning.travel import HaversineTravel

DEPOT = GeoPoint(41.80, 123.40)
WALK = HaversineTravel(speed_kmh=4.5, circuity=1.3)
SHIFT = TimeWindow.parse("08:30", "17:00")
LUNCH = TimeWindow.parse("12:00", "13:30")
METRES_PER_DEGREE_LAT = 111_320.0


def at(east_m: float, north_m: float) -> GeoPoint:
    """A point `east_m`, `north_m` metres from the depot."""
    return GeoPoint(
        DEPOT.lat + north_m / METRES_PER_DEGREE_LAT,
        DEPOT.lng + east_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(DEPOT.lat))),
    )
