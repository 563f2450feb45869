"""A hospital an elder can be admitted to: where a steward visits a hospitalised elder.

Hospitals are data (a city's `hospitals.csv`; careroute_synthetic generates a synthetic
city's). They are kept apart from the service circle's facilities: an elder does not walk to
a hospital for day care, so a hospital must not change the circle's counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from careroute.domain.vocabulary import GeoPoint


@dataclass(frozen=True)
class Hospital:
    hospital_id: str
    name: str
    """As the steward page shows it and a visit's stay records it (e.g. "和平区中心医院")."""
    district_id: str
    location: GeoPoint

    def __post_init__(self) -> None:
        if not self.hospital_id.strip():
            raise ValueError("a hospital needs an id")
        if not self.name.strip():
            raise ValueError(f"hospital {self.hospital_id} needs a name")
