"""A steward reads the day's route, on the memory adapters: names and addresses as stored or
from the registry, the read audited per community, and no route is not found."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

import pytest

from careroute.adapters import memory, memory_visits
from careroute.domain.access import Caller, Role
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import NotFoundError
from careroute.domain.vocabulary import CHINA_TZ
from careroute.service_layer.route_view import RouteReading, steward_route
from tests.builders import an_elder

DAY = date(2026, 12, 8)
NOW = datetime.combine(DAY, time(7, 30), CHINA_TZ)
OWN = replace(an_elder(), elder_id="E1", name="王秀英", address="一号楼")
NEIGHBOUR = replace(an_elder(), elder_id="E7", community_id="C2", name="李桂兰", address="七号楼")
STEWARD = Caller("sub-w1", Role.STEWARD, "W1")


@pytest.fixture
def ports() -> RouteReading:
    reading = RouteReading(
        memory_visits.MemoryRoutes(), memory.MemoryElders(), memory.MemoryReadAudit()
    )
    reading.elders.save_elders([OWN, NEIGHBOUR])
    return reading


def route(*stops: dict[str, Any]) -> dict[str, Any]:
    return {"steward_id": "W1", "community_id": "C1", "date": DAY.isoformat(), "stops": list(stops)}


def test_a_route_stored_without_names_gets_them_from_each_elders_own_community(
    ports: RouteReading,
) -> None:
    ports.routes.save_route(
        route(
            {"elder_id": "E1", "sequence": 1},
            {"elder_id": "E7", "community_id": "C2", "cover": True, "sequence": 2},
            {"elder_id": "E404", "sequence": 3},
        )
    )
    stops = steward_route("W1", DAY, NOW, ports)["stops"]
    assert [(s["name"], s["address"]) for s in stops] == [
        ("王秀英", "一号楼"),
        ("李桂兰", "七号楼"),
        (None, None),
    ]


def test_the_steward_reading_is_audited_once_per_community_with_the_elders_shown(
    ports: RouteReading,
) -> None:
    ports.routes.save_route(
        route(
            {"elder_id": "E1", "name": "王秀英", "address": "一号楼"},
            {"elder_id": "E7", "community_id": "C2", "name": "李桂兰", "address": "七号楼"},
        )
    )
    document = steward_route("W1", DAY, NOW, ports, reader=STEWARD)
    assert [s["name"] for s in document["stops"]] == ["王秀英", "李桂兰"]
    actor = Actor("sub-w1", "steward")
    assert ports.audit.community_reads("C1") == [
        Entry(Kind.READ, NOW, actor, "route", elder_ids=("E1",))
    ]
    assert ports.audit.community_reads("C2") == [
        Entry(Kind.READ, NOW, actor, "route", elder_ids=("E7",))
    ]
    steward_route("W1", DAY, NOW, ports)  # no reader (e.g. an export): nothing audited
    assert len(ports.audit.community_reads("C1")) == 1


def test_a_day_without_a_route_is_not_found(ports: RouteReading) -> None:
    with pytest.raises(NotFoundError, match="no route for steward W1 on 2026-12-08"):
        steward_route("W1", DAY, NOW, ports, reader=STEWARD)
    assert ports.audit.community_reads("C1") == []
