"""The hospitals' port, memory against DynamoDB: the list replaced whole and read by id, the
names (Chinese) and places kept exactly."""

from __future__ import annotations

import pytest

from careroute.adapters.dynamodb.hospitals import DynamoHospitals
from careroute.adapters.memory_hospitals import MemoryHospitals
from careroute.domain.hospitals import Hospital
from careroute.domain.vocabulary import GeoPoint
from careroute.service_layer.ports.hospitals import HospitalDirectory
from tests.contract.conftest import Backend


@pytest.fixture
def hospitals(backend: Backend) -> HospitalDirectory:
    """The hospitals' adapter of the backend (the DynamoDB one is reset with it)."""
    return backend.either(MemoryHospitals, DynamoHospitals)


def a_hospital(n: int, name: str) -> Hospital:
    return Hospital(f"H{n:03d}", name, "D01", GeoPoint(41.780327, 123.394728 + n / 1000))


def test_hospitals_are_listed_by_id_and_replacing_them_drops_the_ones_left_out(
    hospitals: HospitalDirectory,
) -> None:
    assert hospitals.all_hospitals() == []
    central, first = a_hospital(3, "和平区中心医院"), a_hospital(1, "沈阳市第一人民医院")
    assert hospitals.replace_hospitals([central, first]) == 2
    assert hospitals.all_hospitals() == [first, central]

    second = a_hospital(2, "沈阳市第二人民医院")
    assert hospitals.replace_hospitals([second]) == 1
    assert hospitals.all_hospitals() == [second]
