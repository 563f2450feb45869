"""The 15-minute service circle: which special-difficulty elders live within 15 minutes'
walk of a service facility (day-care centre, service station, canteen), per community,
district and city, and which do not (ids only).

Walking time is the travel model's (haversine x circuity / walking speed, `[travel]` in the
policy). Facilities are bucketed in a grid of cells as wide as the farthest straight-line
distance a walk can cover in the limit (speed x time, circuity >= 1), so each elder is
checked only against the facilities of the 3 x 3 cells around it.

The facilities are data (the service-facilities table in the cloud; careroute_synthetic
generates a city's for the local stack and the tests). Pure: no AWS imports.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from careroute.domain.vocabulary import Elder, ElderStatus, GeoPoint
from careroute.planning.travel import HaversineTravel

CIRCLE_SECONDS = 15 * 60
METRES_PER_DEGREE_LAT = 111_320.0
"""About; the grid only needs cells at least as wide as a walk can reach (it has a margin)."""
COUNTED = frozenset({ElderStatus.ACTIVE, ElderStatus.HOSPITALISED})
"""Elders living in the community (moved and deceased elders are not counted)."""


class FacilityKind(StrEnum):
    DAY_CARE = "day_care"  # 日间照料中心
    SERVICE_STATION = "service_station"  # 社区养老服务站
    CANTEEN = "canteen"  # 助餐点


@dataclass(frozen=True)
class Facility:
    facility_id: str
    kind: FacilityKind
    district_id: str
    location: GeoPoint


@dataclass
class CircleRow:
    """One scope's figures: elders counted, how many within the circle, who is outside."""

    scope_id: str
    elders: int = 0
    within: int = 0
    outside: list[str] = field(default_factory=list)
    """Elder ids, sorted."""

    @property
    def share(self) -> float:
        """Share within the circle (1.0 for a scope with no elders: nobody is left out)."""
        return self.within / self.elders if self.elders else 1.0

    def add(self, elder_id: str, inside: bool) -> None:
        self.elders += 1
        if inside:
            self.within += 1
        else:
            self.outside.append(elder_id)


@dataclass(frozen=True)
class CircleReport:
    limit_seconds: int
    communities: dict[str, CircleRow]
    districts: dict[str, CircleRow]
    city: CircleRow


class _Grid:
    """Facilities by square cell of side `cell_m` (about; longitude scaled at each row)."""

    def __init__(self, facilities: Iterable[Facility], cell_m: float) -> None:
        self.cell_deg = cell_m / METRES_PER_DEGREE_LAT
        self.cells: dict[tuple[int, int], list[GeoPoint]] = {}
        for f in facilities:
            self.cells.setdefault(self._cell(f.location), []).append(f.location)

    def _cell(self, p: GeoPoint) -> tuple[int, int]:
        row = math.floor(p.lat / self.cell_deg)
        scale = math.cos(math.radians((row + 0.5) * self.cell_deg))
        return row, math.floor(p.lng * scale / self.cell_deg)

    def around(self, p: GeoPoint) -> Iterable[GeoPoint]:
        row, _ = self._cell(p)
        for r in (row - 1, row, row + 1):
            scale = math.cos(math.radians((r + 0.5) * self.cell_deg))
            col = math.floor(p.lng * scale / self.cell_deg)
            for c in (col - 1, col, col + 1):
                yield from self.cells.get((r, c), ())


def service_circle(
    elders: Iterable[Elder],
    facilities: Iterable[Facility],
    walk: HaversineTravel,
    limit_seconds: int = CIRCLE_SECONDS,
) -> CircleReport:
    """Per community, district and the city: elders within `limit_seconds` of walking
    (`walk`) of any facility, and the ids of those outside."""
    if limit_seconds <= 0:
        raise ValueError(f"limit_seconds must be positive, got {limit_seconds}")
    reach_m = walk.speed_kmh / 3.6 * limit_seconds  # straight line; circuity only shortens it
    grid = _Grid(facilities, reach_m * 1.05)  # margin: longitude scale differs across a row
    communities: dict[str, CircleRow] = {}
    districts: dict[str, CircleRow] = {}
    city = CircleRow("all")
    for elder in sorted(elders, key=lambda e: e.elder_id):
        if elder.status not in COUNTED:
            continue
        inside = any(
            walk.seconds(elder.location, site) <= limit_seconds
            for site in grid.around(elder.location)
        )
        for rows, key in ((communities, elder.community_id), (districts, elder.district_id)):
            rows.setdefault(key, CircleRow(key)).add(elder.elder_id, inside)
        city.add(elder.elder_id, inside)
    return CircleReport(
        limit_seconds,
        dict(sorted(communities.items())),
        dict(sorted(districts.items())),
        city,
    )
