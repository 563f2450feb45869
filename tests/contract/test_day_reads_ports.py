"""A community's day as the solver reads it at once (`DayReading`), memory against DynamoDB:
the community, the steward and its routes of the day before and of the plan date, none where
none is stored, another steward's or another day's routes never, an unknown community not
found, an unknown steward none; and what it reads is what the separate reads give."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from careroute.adapters.dynamodb import day_reads
from careroute.adapters.memory_day_reads import MemoryDayReads
from careroute.domain.errors import NotFoundError
from careroute.domain.vocabulary import Registry
from careroute.service_layer.ports.plan_reads import DayReading
from tests.conftest import PLAN_DATE
from tests.contract.conftest import Backend


def reader(backend: Backend) -> DayReading:
    return backend.either(
        lambda: MemoryDayReads(backend.communities, backend.stewards, backend.routes),
        lambda: day_reads,
    )


def route(steward_id: str, community_id: str, day: Any, note: str) -> dict[str, Any]:
    return {
        "steward_id": steward_id,
        "community_id": community_id,
        "date": day.isoformat(),
        "stops": [{"elder_id": note, "name": '王 "阿姨"\n'}],
    }


def test_a_day_reads_the_community_and_the_stewards_routes_of_the_day_before_and_the_day(
    backend: Backend, small_city: Registry
) -> None:
    backend.communities.save_communities(small_city.communities)
    backend.stewards.save_stewards(small_city.stewards)
    home, other = small_city.stewards[0], small_city.stewards[1]
    before = PLAN_DATE - timedelta(days=1)
    reads = reader(backend)

    nothing_yet = reads.day_reads(home.community_id, home.steward_id, PLAN_DATE)
    assert nothing_yet.community == backend.communities.get_community(home.community_id)
    assert nothing_yet.steward == backend.stewards.get_steward(home.steward_id) == home
    assert (nothing_yet.yesterday, nothing_yet.stored) == (None, None)

    for day, note in ((before - timedelta(days=1), "two days before"), (before, "before")):
        backend.routes.save_route(route(home.steward_id, home.community_id, day, note))
    backend.routes.save_route(route(other.steward_id, other.community_id, PLAN_DATE, "other"))
    only_yesterday = reads.day_reads(home.community_id, home.steward_id, PLAN_DATE)
    assert only_yesterday.yesterday == route(home.steward_id, home.community_id, before, "before")
    assert only_yesterday.stored is None

    backend.routes.save_route(route(home.steward_id, home.community_id, PLAN_DATE, "today"))
    both = reads.day_reads(home.community_id, home.steward_id, PLAN_DATE)
    assert both.yesterday == backend.routes.find_route(home.steward_id, before)
    assert both.stored == backend.routes.find_route(home.steward_id, PLAN_DATE)
    assert both.stored is not None and both.stored["stops"][0]["elder_id"] == "today"
    assert both.community == next(
        c for c in small_city.communities if c.community_id == home.community_id
    )


def test_a_day_of_an_unknown_steward_reads_none_for_it_and_its_routes(
    backend: Backend, small_city: Registry
) -> None:
    backend.communities.save_communities(small_city.communities)
    community_id = small_city.communities[0].community_id
    read = reader(backend).day_reads(community_id, "S9999", PLAN_DATE)
    assert (read.steward, read.yesterday, read.stored) == (None, None, None)
    assert read.community == backend.communities.get_community(community_id)


def test_a_day_of_an_unknown_community_is_not_found(backend: Backend, small_city: Registry) -> None:
    backend.communities.save_communities(small_city.communities)
    with pytest.raises(NotFoundError, match="community C9999 not found"):
        reader(backend).day_reads("C9999", small_city.stewards[0].steward_id, PLAN_DATE)
