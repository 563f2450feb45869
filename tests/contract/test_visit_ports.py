"""One contract, two adapters: the memory and the DynamoDB implementations of the ports that
recording a visit uses behave the same (same results, same errors), so service tests and
simulations on memory say something about the product on DynamoDB."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import KEY_REUSED, ConflictError, NotFoundError
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Category,
    Outcome,
    Registry,
    Tier,
    VisitRecord,
)
from tests.builders import BASE, HIGH_HAZARD, a_visit_to
from tests.conftest import PLAN_DATE, china_now
from tests.contract.conftest import Backend


def a_record(city: Registry, visit_id: str = "v" * 32) -> VisitRecord:
    """A visit of the first steward to the city's first elder, with notes, a finding and
    where the phone was: every field a port must keep."""
    at = china_now().replace(microsecond=0)
    record = a_visit_to(
        city.elders[0],
        visit_id,
        at - timedelta(minutes=30),
        steward_id=city.stewards[0].steward_id,
        tier=Tier.T2,
        recorded_at=at,
        findings=(HIGH_HAZARD,),
    )
    return replace(record, notes="tea, chatted", location=BASE)


def a_route(city: Registry, stops: list[dict[str, Any]]) -> dict[str, Any]:
    steward = city.stewards[0]
    return {
        "steward_id": steward.steward_id,
        "community_id": steward.community_id,
        "date": PLAN_DATE.isoformat(),
        "stops": stops,
    }


def test_stewards_read_back_as_saved_and_an_unknown_one_is_not_found(
    backend: Backend, small_city: Registry
) -> None:
    stewards = backend.recording.stewards
    assert stewards.save_stewards(small_city.stewards[:3]) == 3
    for steward in small_city.stewards[:3]:
        assert stewards.get_steward(steward.steward_id) == steward
    with pytest.raises(NotFoundError, match="steward W9999 not found"):
        stewards.get_steward("W9999")


def test_elders_read_back_as_saved_only_in_their_own_community(
    backend: Backend, small_city: Registry
) -> None:
    elders = backend.recording.elders
    chosen = small_city.elders[:5]
    assert elders.save_elders(chosen) == 5
    for elder in chosen:
        assert elders.get_elder(elder.community_id, elder.elder_id) == elder
    other = next(
        c.community_id for c in small_city.communities if c.community_id != chosen[0].community_id
    )
    with pytest.raises(NotFoundError, match=f"elder {chosen[0].elder_id} not found"):
        elders.get_elder(other, chosen[0].elder_id)


def test_a_route_reads_back_as_saved_a_new_plan_replaces_it_and_other_days_have_none(
    backend: Backend, small_city: Registry
) -> None:
    routes = backend.recording.routes
    steward = small_city.stewards[0]
    first = a_route(small_city, [{"elder_id": "E000001", "cover": False, "tier": "T1"}])
    routes.save_route(first)
    assert routes.find_route(steward.steward_id, PLAN_DATE) == first
    second = a_route(small_city, [])
    routes.save_route(second)
    assert routes.find_route(steward.steward_id, PLAN_DATE) == second
    assert routes.find_route(steward.steward_id, PLAN_DATE + timedelta(days=1)) is None
    read = routes.find_route(steward.steward_id, PLAN_DATE)
    assert read is not None
    read["stops"].append({"elder_id": "changed by the reader"})
    assert routes.find_route(steward.steward_id, PLAN_DATE) == second


def test_a_visit_is_stored_once_a_retry_returns_it_and_a_reused_key_conflicts(
    backend: Backend, small_city: Registry
) -> None:
    visits = backend.recording.visits
    record = a_record(small_city)
    assert visits.save_visit_once(record, "hash-1") == (record, True)
    later = replace(record, recorded_at=record.recorded_at + timedelta(minutes=5))
    assert visits.save_visit_once(later, "hash-1") == (record, False)
    with pytest.raises(ConflictError, match=KEY_REUSED):
        visits.save_visit_once(replace(record, outcome=Outcome.NOT_HOME), "hash-2")
    other = a_record(small_city, visit_id="w" * 32)
    assert visits.save_visit_once(other, "hash-3") == (other, True)
    assert sorted(v.visit_id for v in visits.all_visits()) == [record.visit_id, other.visit_id]
    assert {v.visit_id: v for v in visits.all_visits()}[record.visit_id] == record


def test_a_visit_made_from_an_elder_as_read_is_stored_only_while_the_elder_is_still_so(
    backend: Backend, small_city: Registry
) -> None:
    """A cached elder gone stale stores nothing; a replay answers whatever the elder."""
    visits = backend.holding(small_city).visits
    first = small_city.elders[0]
    as_read = backend.elders.get_elder(first.community_id, first.elder_id)
    stale = {
        "urgent": replace(as_read, urgent_until=(as_read.urgent_until or PLAN_DATE) + timedelta(1)),
        "categories": replace(as_read, categories=as_read.categories ^ {Category.POOR}),
        "street": replace(as_read, street_id="S404"),
        "district": replace(as_read, district_id="D404"),
        "birth date": replace(as_read, birth_date=as_read.birth_date - timedelta(days=1)),
        "not stored": replace(as_read, elder_id="E404"),
        "other community": replace(as_read, community_id="C404"),
    }
    record = a_record(small_city)
    for name, elder in stale.items():
        assert visits.save_visit_as_read(record, "hash-1", elder) is None, name
    assert list(visits.all_visits()) == []
    assert visits.save_visit_as_read(record, "hash-1", as_read) == (record, True)
    assert visits.save_visit_as_read(record, "hash-1", stale["urgent"]) == (record, False)
    with pytest.raises(ConflictError, match=KEY_REUSED):
        visits.save_visit_as_read(replace(record, notes="other"), "hash-2", as_read)
    assert [v.visit_id for v in visits.all_visits()] == [record.visit_id]


def test_the_reads_one_route_makes_of_several_communities_are_kept_per_community(
    backend: Backend,
) -> None:
    reader, at = Actor("sub-w1", "steward"), china_now().replace(microsecond=0)
    home = Entry(Kind.READ, at, reader, "route", elder_ids=("E000001", "E000002"))
    cover = Entry(Kind.READ, at, reader, "route", elder_ids=("E000007",))
    backend.audit.record_community_reads({"C0001": home, "C0002": cover})
    later = replace(home, at=at + timedelta(hours=1))
    backend.audit.record_community_reads({"C0001": later})
    assert backend.audit.community_reads("C0001") == [later, home]
    assert backend.audit.community_reads("C0002") == [cover]
    assert backend.audit.community_reads("C0003") == []


def test_an_elders_visits_of_a_month_are_those_of_its_china_local_days(
    backend: Backend, small_city: Registry
) -> None:
    visits = backend.recording.visits
    elder, other = small_city.elders[0], small_city.elders[1]
    steward_id = small_city.stewards[0].steward_id
    at = {
        "first-hour-of-december": datetime(2026, 11, 30, 16, 30, tzinfo=UTC),
        "mid-december": datetime(2026, 12, 15, 10, 0, tzinfo=CHINA_TZ),
        "first-hour-of-january": datetime(2026, 12, 31, 17, 0, tzinfo=UTC),
        "end-of-november": datetime(2026, 11, 30, 23, 0, tzinfo=CHINA_TZ),
    }
    for name, visited_at in at.items():
        record = a_visit_to(elder, f"{name:x<32}", visited_at, steward_id=steward_id, tier=Tier.T3)
        visits.save_visit_once(record, name)
    someone_else = a_visit_to(
        other, "o" * 32, at["mid-december"], steward_id=steward_id, tier=Tier.T3
    )
    visits.save_visit_once(someone_else, "other")

    december = visits.elder_visits_in_month(elder.elder_id, "2026-12")
    assert sorted(v.visit_id.rstrip("x") for v in december) == [
        "first-hour-of-december",
        "mid-december",
    ]
    [january] = visits.elder_visits_in_month(elder.elder_id, "2027-01")
    assert january.visit_id.startswith("first-hour-of-january")
    assert list(visits.elder_visits_in_month(other.elder_id, "2026-11")) == []
