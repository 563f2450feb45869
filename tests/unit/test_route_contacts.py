"""The numbers to call on a steward's route: written into each stop when the route is
written (so the steward's read is the route item alone), given on the audited read (the
steward's own, the city admin's), never on an unaudited read, from the registry only for
routes stored without them, and left out with the names wherever personal data is dropped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

import pytest

from careroute.adapters import memory, memory_visits
from careroute.domain.access import Caller, Role
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Elder
from careroute.planning.route_contacts import stop_contacts
from careroute.service_layer.route_plan import plan_day
from careroute.service_layer.route_view import RouteReading, steward_route, without_personal_data
from tests.builders import a_community, an_elder
from tests.unit.test_due import STEWARD as PLANNED_STEWARD
from tests.unit.test_due import T1_ELDER

DAY = date(2026, 12, 8)
NOW = datetime.combine(DAY, time(7, 30), CHINA_TZ)
CALLED = replace(
    an_elder(), elder_id="E1", phone="13800000001", guardian="张明 (儿子)",
    guardian_phone="13900000002",
)  # fmt: skip
NO_NUMBERS = replace(an_elder(), elder_id="E2")
COVERED = replace(an_elder(), elder_id="E7", community_id="C2", phone="13800000007")
STEWARD = Caller("sub-w1", Role.STEWARD, "W1")
EXPECTED = [
    ("13800000001", "张明 (儿子)", "13900000002"),
    (None, None, None),
    ("13800000007", None, None),
]


class NoRegistryReads(memory.MemoryElders):
    """The registry, failing any read: a route holding its names and numbers needs none."""

    def get_elders(self, community_id: str, elder_ids: Iterable[str]) -> dict[str, Elder]:
        raise AssertionError(f"the registry was read for {community_id}")


def stored_route(with_numbers: bool) -> dict[str, Any]:
    """W1's route of DAY, as a plan stores it now (`with_numbers`) or did before."""
    stops = [
        {"elder_id": "E1", "name": "王秀英", "address": "一号楼"},
        {"elder_id": "E2", "name": "李桂兰", "address": "二号楼"},
        {"elder_id": "E7", "community_id": "C2", "cover": True, "name": "赵", "address": "七"},
    ]
    if with_numbers:
        for stop, elder in zip(stops, (CALLED, NO_NUMBERS, COVERED), strict=True):
            stop.update(stop_contacts(elder))
    return {"steward_id": "W1", "community_id": "C1", "date": DAY.isoformat(), "stops": stops}


def reading(elders: memory.MemoryElders, route: dict[str, Any]) -> RouteReading:
    ports = RouteReading(memory_visits.MemoryRoutes(), elders, memory.MemoryReadAudit())
    ports.elders.save_elders([CALLED, NO_NUMBERS, COVERED])
    ports.routes.save_route(route)
    return ports


@pytest.fixture
def ports() -> RouteReading:
    """A route stored with its numbers, and a registry that must not be read."""
    return reading(NoRegistryReads(), stored_route(with_numbers=True))


def numbers(document: dict[str, Any]) -> list[tuple[object, ...]]:
    return [(s.get("phone"), s.get("guardian"), s.get("guardian_phone")) for s in document["stops"]]


def test_the_planned_route_holds_each_elders_and_guardians_numbers() -> None:
    community = a_community()
    elder = replace(
        T1_ELDER, last_visited_on=date(2026, 12, 1), phone="13800000001", guardian="张明 (儿子)"
    )
    day = plan_day(community, PLANNED_STEWARD, [elder], DAY, load_policy())
    assert day is not None
    assert numbers(day.document) == [("13800000001", "张明 (儿子)", None)]


def test_the_stewards_read_is_the_route_item_alone_numbers_included(
    ports: RouteReading,
) -> None:
    document = steward_route("W1", DAY, NOW, ports, reader=STEWARD)
    assert numbers(document) == EXPECTED
    assert len(ports.audit.community_reads("C1")) == 1  # still audited


def test_an_unaudited_read_leaves_the_stored_numbers_out(ports: RouteReading) -> None:
    unaudited = steward_route("W1", DAY, NOW, ports)
    assert all(field not in stop for stop in unaudited["stops"] for field in ("phone", "guardian"))
    assert [stop["name"] for stop in unaudited["stops"]] == ["王秀英", "李桂兰", "赵"]


def test_a_route_stored_without_numbers_gets_them_from_the_registry_on_an_audited_read() -> None:
    ports = reading(memory.MemoryElders(), stored_route(with_numbers=False))
    assert numbers(steward_route("W1", DAY, NOW, ports, reader=STEWARD)) == EXPECTED
    unaudited = steward_route("W1", DAY, NOW, ports)
    assert all("phone" not in stop for stop in unaudited["stops"])


def test_without_personal_data_drops_the_numbers_with_the_names(ports: RouteReading) -> None:
    document = without_personal_data(steward_route("W1", DAY, NOW, ports, reader=STEWARD))
    kept = {key for stop in document["stops"] for key in stop}
    assert kept.isdisjoint({"name", "address", "phone", "guardian", "guardian_phone"})
