"""The city's hospitals for the people who record where an elder is staying: a steward who
finds an elder gone to hospital picks one, nearest to the elder's home first; officials read
the same list. Hospitals hold no personal data, so every steward and official reads them all
(an elder may be taken to the next district's hospital)."""

from __future__ import annotations

from dataclasses import dataclass

from careroute.domain.access import Caller, Role
from careroute.domain.hospitals import Hospital
from careroute.domain.vocabulary import GeoPoint
from careroute.planning.travel import haversine_m
from careroute.service_layer.ports.hospitals import HospitalDirectory

READERS = (Role.STEWARD, Role.STREET_OFFICIAL, Role.DISTRICT_OFFICIAL, Role.CITY_ADMIN)


@dataclass(frozen=True)
class HospitalNear:
    hospital: Hospital
    distance_m: float | None
    """Straight-line metres from the point asked about; None when none was given."""


def list_hospitals(
    caller: Caller, near: GeoPoint | None, directory: HospitalDirectory
) -> list[HospitalNear]:
    """Every hospital: nearest to `near` first (ties by id), or by id without a point."""
    caller.require(*READERS)
    hospitals = directory.all_hospitals()
    if near is None:
        return [HospitalNear(h, None) for h in hospitals]
    found = [HospitalNear(h, haversine_m(near, h.location)) for h in hospitals]
    return sorted(found, key=lambda f: (f.distance_m, f.hospital.hospital_id))
