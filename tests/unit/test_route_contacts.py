"""The numbers to call on a steward's route: read from the registry on each audited read
(the steward's own, the city admin's), never written into the stored plan, never on an
unaudited read, and left out with the names wherever personal data is dropped."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

import pytest

from careroute.adapters import memory, memory_visits
from careroute.domain.access import Caller, Role
from careroute.domain.vocabulary import CHINA_TZ
from careroute.service_layer.route_view import RouteReading, steward_route, without_personal_data
from tests.builders import an_elder

DAY = date(2026, 12, 8)
NOW = datetime.combine(DAY, time(7, 30), CHINA_TZ)
CALLED = replace(
    an_elder(), elder_id="E1", phone="13800000001", guardian="张明 (儿子)",
    guardian_phone="13900000002",
)  # fmt: skip
NO_NUMBERS = replace(an_elder(), elder_id="E2")
COVERED = replace(an_elder(), elder_id="E7", community_id="C2", phone="13800000007")
STEWARD = Caller("sub-w1", Role.STEWARD, "W1")


@pytest.fixture
def ports() -> RouteReading:
    reading = RouteReading(
        memory_visits.MemoryRoutes(), memory.MemoryElders(), memory.MemoryReadAudit()
    )
    reading.elders.save_elders([CALLED, NO_NUMBERS, COVERED])
    reading.routes.save_route(
        {
            "steward_id": "W1", "community_id": "C1", "date": DAY.isoformat(),
            "stops": [
                {"elder_id": "E1", "name": "王秀英", "address": "一号楼"},
                {"elder_id": "E2", "name": "李桂兰", "address": "二号楼"},
                {"elder_id": "E7", "community_id": "C2", "cover": True, "name": "赵"},
            ],
        }
    )  # fmt: skip
    return reading


def numbers(document: dict[str, Any]) -> list[tuple[object, ...]]:
    return [(s.get("phone"), s.get("guardian"), s.get("guardian_phone")) for s in document["stops"]]


def test_the_stewards_read_carries_each_elders_and_guardians_numbers(
    ports: RouteReading,
) -> None:
    document = steward_route("W1", DAY, NOW, ports, reader=STEWARD)
    assert numbers(document) == [
        ("13800000001", "张明 (儿子)", "13900000002"),
        (None, None, None),
        ("13800000007", None, None),
    ]


def test_the_stored_plan_and_an_unaudited_read_hold_no_numbers(ports: RouteReading) -> None:
    steward_route("W1", DAY, NOW, ports, reader=STEWARD)
    stored = ports.routes.find_route("W1", DAY)
    assert stored is not None
    assert all("phone" not in stop for stop in stored["stops"])
    unaudited = steward_route("W1", DAY, NOW, ports)
    assert all("phone" not in stop for stop in unaudited["stops"])


def test_without_personal_data_drops_the_numbers_with_the_names(ports: RouteReading) -> None:
    document = without_personal_data(steward_route("W1", DAY, NOW, ports, reader=STEWARD))
    kept = {key for stop in document["stops"] for key in stop}
    assert kept.isdisjoint({"name", "address", "phone", "guardian", "guardian_phone"})
