"""Travel time between two points: haversine distance x circuity / speed of the mode.

A `TravelModel` is the seam for a real road matrix (e.g. Amazon Location route matrices).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from careroute.domain.vocabulary import GeoPoint

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance in metres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlng = math.radians(b.lng - a.lng)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class TravelModel(Protocol):
    def seconds(self, a: GeoPoint, b: GeoPoint) -> int:
        """Whole seconds to travel from a to b (rounded up)."""
        ...


@dataclass(frozen=True)
class HaversineTravel:
    speed_kmh: float
    circuity: float = 1.3

    def __post_init__(self) -> None:
        if self.speed_kmh <= 0 or self.circuity < 1.0:
            raise ValueError("speed must be positive and circuity >= 1")

    def seconds(self, a: GeoPoint, b: GeoPoint) -> int:
        metres = haversine_m(a, b) * self.circuity
        return math.ceil(metres / (self.speed_kmh / 3.6))
