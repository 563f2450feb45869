"""Outcomes recorded from the steward's route: each stop carries what a visit record takes
from its elder, the container keeps the route, and an outcome on it reads no elder and no
steward (the route says the community served that day); an elder changed since the plan is
read again and recorded as stored. The steward's read and the exports never show those
facts."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from careroute.adapters.memory import MemoryElders, MemoryReadAudit, MemoryStewards
from careroute.adapters.memory_visits import MemoryRoutes, MemoryVisits, what_a_visit_takes
from careroute.domain.access import Caller, Role
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Elder, Steward, Tier
from careroute.messages.visits import VisitRequest
from careroute.planning.stop_elder import ELDER_FACTS, elder_on_stop
from careroute.service_layer import container_cache
from careroute.service_layer.container_cache import KeyedContainerCache
from careroute.service_layer.route_plan import plan_day
from careroute.service_layer.route_view import RouteReading, steward_route, without_personal_data
from careroute.service_layer.visits import VisitRecording, record_visit
from tests.builders import a_community
from tests.unit.test_due import STEWARD, T1_ELDER, T2_ELDER

POLICY = load_policy()
TUESDAY = date(2026, 12, 8)
NOW = datetime.combine(TUESDAY, time(15, 0), CHINA_TZ)
WEEKLY = replace(T1_ELDER, elder_id="E1", last_visited_on=date(2026, 12, 1))
FORTNIGHTLY = replace(T2_ELDER, elder_id="E2", last_visited_on=date(2026, 11, 24))
OFF_ROUTE = replace(T2_ELDER, elder_id="E3", last_visited_on=date(2026, 12, 4))


class CountedElders:
    """The memory elders as the use case sees them, counting its single-elder reads (not the
    memory visits' check, which stands for the table's transaction)."""

    def __init__(self, stored: MemoryElders) -> None:
        self.stored = stored
        self.reads: Counter[str] = Counter()

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        self.reads[elder_id] += 1
        return self.stored.get_elder(community_id, elder_id, consistent)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stored, name)


class CountedRoutes(MemoryRoutes):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def find_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        self.reads += 1
        return super().find_route(steward_id, day)


class CountedStewards(MemoryStewards):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get_steward(self, steward_id: str, consistent: bool = False) -> Steward:
        self.reads += 1
        return super().get_steward(steward_id, consistent)


@pytest.fixture
def route() -> dict[str, Any]:
    day = plan_day(a_community(), STEWARD, [WEEKLY, FORTNIGHTLY, OFF_ROUTE], TUESDAY, POLICY)
    assert day is not None
    on_route = {stop["elder_id"] for stop in day.document["stops"]}
    assert on_route == {"E1", "E2"}, on_route  # the third is not due for a week
    return day.document


@pytest.fixture
def ports(route: dict[str, Any]) -> VisitRecording:
    stored = MemoryElders()
    stored.save_elders([WEEKLY, FORTNIGHTLY, OFF_ROUTE])
    elders = CountedElders(stored)
    recording = VisitRecording(CountedStewards(), elders, CountedRoutes(), MemoryVisits(stored))
    recording.stewards.save_stewards([STEWARD])
    recording.routes.save_route(route)
    return recording


def outcome(elder: Elder, minutes_ago: int = 60) -> VisitRequest:
    return VisitRequest.model_validate(
        {
            "steward_id": STEWARD.steward_id,
            "elder_id": elder.elder_id,
            "outcome": "visited",
            "visited_at": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
        }
    )


def test_each_stop_carries_what_a_visit_takes_and_no_reader_is_shown_it(
    route: dict[str, Any],
) -> None:
    for stop in route["stops"]:
        planned = elder_on_stop(stop)
        assert planned is not None
        stored = WEEKLY if stop["elder_id"] == "E1" else FORTNIGHTLY
        assert planned.elder_id == stored.elder_id
        assert what_a_visit_takes(planned) == what_a_visit_takes(stored)
    routes = MemoryRoutes()
    routes.save_route(route)
    reading = RouteReading(routes, MemoryElders(), MemoryReadAudit())
    steward = Caller("sub-w1", Role.STEWARD, STEWARD.steward_id)
    for reader in (steward, None):
        seen = steward_route(STEWARD.steward_id, TUESDAY, NOW, reading, reader=reader)
        assert all(ELDER_FACTS not in stop for stop in seen["stops"])
    assert all(ELDER_FACTS not in stop for stop in without_personal_data(route)["stops"])
    assert all(ELDER_FACTS in stop for stop in route["stops"])  # the original is left alone


def test_outcomes_on_the_route_read_the_route_once_and_no_elder(ports: VisitRecording) -> None:
    first, _ = record_visit(outcome(WEEKLY), "key-weekly-1", NOW, POLICY, ports)
    second, _ = record_visit(outcome(FORTNIGHTLY), "key-fortnightly-1", NOW, POLICY, ports)
    assert (first.tier, second.tier) == (Tier.T1, Tier.T2)
    assert (second.street_id, second.district_id) == (
        FORTNIGHTLY.street_id,
        FORTNIGHTLY.district_id,
    )
    assert isinstance(ports.elders, CountedElders) and isinstance(ports.routes, CountedRoutes)
    assert (ports.routes.reads, sum(ports.elders.reads.values())) == (1, 0)


def test_a_route_the_steward_read_costs_an_outcome_no_read_at_all(
    ports: VisitRecording,
) -> None:
    reading = RouteReading(ports.routes, ports.elders, MemoryReadAudit())
    steward_route(STEWARD.steward_id, TUESDAY, NOW, reading)
    record_visit(outcome(WEEKLY), "key-weekly-2", NOW, POLICY, ports)
    assert isinstance(ports.elders, CountedElders) and isinstance(ports.routes, CountedRoutes)
    assert (ports.routes.reads, sum(ports.elders.reads.values())) == (1, 0)


def test_a_container_serving_a_citys_stewards_keeps_every_route_they_read(
    ports: VisitRecording, route: dict[str, Any]
) -> None:
    """Given one container serving the morning route reads of 1,200 stewards (a city's
    1,153), when each then records an outcome, then none reads their route again: a
    container keeping fewer drops the route read longest ago before its steward's outcome,
    which reads it again and drops the next, so every outcome would read its route."""
    stewards = [f"W-{n:04d}" for n in range(1_200)]
    for steward_id in stewards:
        ports.routes.save_route({**route, "steward_id": steward_id})
    reading = RouteReading(ports.routes, ports.elders, MemoryReadAudit())
    for steward_id in stewards:
        steward_route(steward_id, TUESDAY, NOW, reading)
    for steward_id in stewards:
        request = outcome(WEEKLY).model_copy(update={"steward_id": steward_id})
        record_visit(request, f"key-{steward_id}", NOW, POLICY, ports)
    assert isinstance(ports.routes, CountedRoutes) and ports.routes.reads == len(stewards)
    assert len(list(ports.visits.all_visits())) == len(stewards)


def test_outcomes_on_a_route_read_no_steward_and_a_day_without_one_reads_it(
    ports: VisitRecording,
) -> None:
    """Given a steward's outcomes half an hour apart (longer than any steward cache keeps),
    when the day has a route, then the route's community serves and the steward is never
    read; on a day without a route the steward is read for their community."""
    for minutes_ago, elder in ((120, WEEKLY), (90, FORTNIGHTLY), (60, OFF_ROUTE)):
        record_visit(outcome(elder, minutes_ago), f"key-day-{minutes_ago}", NOW, POLICY, ports)
    assert isinstance(ports.stewards, CountedStewards) and ports.stewards.reads == 0
    day_off = outcome(WEEKLY, 60 * 24)
    record, created = record_visit(day_off, "key-day-before", NOW, POLICY, ports)
    assert created and record.community_id == WEEKLY.community_id
    assert ports.stewards.reads == 1


def test_a_steward_moved_since_the_plan_records_the_days_route_as_planned(
    ports: VisitRecording,
) -> None:
    """Given a steward moved to another community after the night's plan, when they record
    an elder on the day's route, then the visit is recorded in the route's community (the
    elder's), checked against the stored elder as any other."""
    ports.stewards.save_stewards([replace(STEWARD, community_id="C-ELSEWHERE")])
    record, created = record_visit(outcome(WEEKLY), "key-moved-1", NOW, POLICY, ports)
    assert created and record.community_id == WEEKLY.community_id and record.tier is Tier.T1


def test_an_elder_changed_since_the_plan_is_recorded_as_stored_and_read_once(
    ports: VisitRecording,
) -> None:
    urgent = replace(FORTNIGHTLY, urgent_until=TUESDAY + timedelta(days=30))
    ports.elders.save_elders([urgent])
    first, _ = record_visit(outcome(FORTNIGHTLY, 90), "key-urgent-1", NOW, POLICY, ports)
    second, _ = record_visit(outcome(FORTNIGHTLY, 30), "key-urgent-2", NOW, POLICY, ports)
    assert (first.tier, second.tier) == (Tier.T1, Tier.T1)
    assert {v.tier for v in ports.visits.all_visits()} == {Tier.T1}
    assert isinstance(ports.elders, CountedElders)
    assert ports.elders.reads == Counter({"E2": 1})  # the second took the elder read first


def test_an_elder_not_on_the_route_is_read(ports: VisitRecording) -> None:
    record, _ = record_visit(outcome(OFF_ROUTE), "key-off-route", NOW, POLICY, ports)
    assert record.tier is POLICY.tier_of(OFF_ROUTE, TUESDAY)
    assert isinstance(ports.elders, CountedElders)
    assert ports.elders.reads == Counter({"E3": 1})


def test_a_keyed_cache_keeps_the_latest_keys_for_a_while() -> None:
    clock = [0.0]
    cache: KeyedContainerCache[str, int] = KeyedContainerCache(10.0, 2, lambda: clock[0])
    loads: list[str] = []

    def load(key: str) -> int:
        loads.append(key)
        return len(loads)

    for key in ("a", "b", "a", "b", "c", "b", "a"):
        cache.get(key, lambda key=key: load(key))  # type: ignore[misc]
    assert loads == ["a", "b", "c", "a"]  # "c" dropped "a", the key loaded longest ago
    clock[0] = 11.0
    assert cache.get("a", lambda: load("a")) == 5  # older than ten seconds: loaded again
    container_cache.forget_all()
    assert cache.get("a", lambda: load("a")) == 6
