"""Listing the hospitals for a steward: nearest to a point first (ties by id), by id without
one, and only for stewards and officials."""

from __future__ import annotations

import pytest

from careroute.adapters.memory_hospitals import MemoryHospitals
from careroute.domain.access import Caller, Role
from careroute.domain.errors import ForbiddenError
from careroute.domain.hospitals import Hospital
from careroute.domain.vocabulary import GeoPoint
from careroute.service_layer.hospitals import list_hospitals

HOME = GeoPoint(41.79, 123.40)
STEWARD = Caller("s", Role.STEWARD, "W0001")


def directory() -> MemoryHospitals:
    """Three hospitals east of HOME: H3 829 m, H1 and H2 both 1,658 m."""
    hospitals = MemoryHospitals()
    hospitals.replace_hospitals(
        [
            Hospital("H2", "沈阳市第一人民医院", "D01", GeoPoint(41.79, 123.42)),
            Hospital("H3", "和平区中心医院", "D01", GeoPoint(41.79, 123.41)),
            Hospital("H1", "沈阳市第二人民医院", "D02", GeoPoint(41.79, 123.42)),
        ]
    )
    return hospitals


def test_the_hospitals_come_nearest_first_with_ties_by_id() -> None:
    found = list_hospitals(STEWARD, HOME, directory())
    assert [f.hospital.hospital_id for f in found] == ["H3", "H1", "H2"]
    distances = [f.distance_m for f in found]
    assert distances[0] == pytest.approx(829.1, abs=0.1)
    assert distances[1] == distances[2] == pytest.approx(1658.1, abs=0.1)


def test_without_a_point_the_hospitals_come_by_id_with_no_distance() -> None:
    official = Caller("o", Role.DISTRICT_OFFICIAL, "D02")
    found = list_hospitals(official, None, directory())
    assert [(f.hospital.hospital_id, f.distance_m) for f in found] == [
        ("H1", None),
        ("H2", None),
        ("H3", None),
    ]


@pytest.mark.parametrize("role", [Role.WORKER, Role.FAMILY, Role.INSPECTOR])
def test_only_stewards_and_officials_read_the_hospitals(role: Role) -> None:
    with pytest.raises(ForbiddenError):
        list_hospitals(Caller("x", role, "X1"), HOME, directory())
