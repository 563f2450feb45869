"""Over HTTP on the local stack: a steward's first outcome in a container that has not seen
their route, sent with the stop's `stop_ref` from the route read, is one DynamoDB call (the
visit's transaction, which checks the reference against the route as stored and the elder
as stored) and the same record as one sent without. A reference the route does not have
(re-planned, forged, another steward's) is answered exactly as the outcome without it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from careroute.adapters.dynamodb import routes
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.vocabulary import Registry, VisitRecord
from careroute.planning.stop_ref import ref_stop, stop_ref
from careroute.service_layer import container_cache
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE
from tests.integration import test_visits_from_route
from tests.integration.planned_day import plan_the_day, read_route
from tests.integration.test_api import post_visit

AFTERNOON = test_visits_from_route.AFTERNOON
dynamodb_calls = test_visits_from_route.dynamodb_calls
on_the_plan_date = test_visits_from_route.on_the_plan_date


def post(
    pump: EventPump, steward: str, stop: dict[str, Any], key: str, **fields: Any
) -> HttpResponse:
    at = AFTERNOON - timedelta(minutes=30)
    body = {"elder_id": stop["elder_id"], "outcome": "visited", "visited_at": at.isoformat()}
    return post_visit(pump, {**body, **fields}, key=key, steward=steward)


def stored(visit_id: str) -> VisitRecord:
    [record] = [v for v in all_visits() if v.visit_id == visit_id]
    return record


def a_new_container() -> None:
    """What a container that has not seen the route holds: nothing kept."""
    container_cache.forget_all()


@pytest.fixture
def planned(loaded_stack: EventPump, on_the_plan_date: None) -> EventPump:
    """The local stack with the small city's PLAN_DATE planned, its clock on that afternoon."""
    plan_the_day(loaded_stack)
    return loaded_stack


def test_a_first_outcome_with_its_stop_ref_is_one_call_and_the_record_sent_without(
    planned: EventPump, small_city: Registry, dynamodb_calls: list[str]
) -> None:
    loaded_stack = planned
    steward, other = (s.steward_id for s in small_city.stewards[:2])
    stops = [s for s in read_route(loaded_stack, steward).json()["stops"] if not s["cover"]]
    assert len(stops) >= 2 and all(s["stop_ref"] for s in stops)
    a_new_container()
    warm = read_route(loaded_stack, other).json()["stops"][0]  # the policy and token keys read
    assert post(loaded_stack, other, warm, "warm-up-key-1").status == 201

    dynamodb_calls.clear()
    first = post(loaded_stack, steward, stops[0], "ref-key-first", stop_ref=stops[0]["stop_ref"])
    assert first.status == 201, first.text
    assert dynamodb_calls == ["TransactWriteItems"]
    second = post(loaded_stack, steward, stops[1], "ref-key-second", stop_ref=stops[1]["stop_ref"])
    assert second.status == 201, second.text
    assert dynamodb_calls == ["TransactWriteItems"] * 2

    replayed = post(loaded_stack, steward, stops[0], "ref-key-first", stop_ref=stops[0]["stop_ref"])
    assert replayed.json() == first.json()
    assert replayed.status == post(loaded_stack, steward, stops[0], "ref-key-first").status
    assert [v.visit_id for v in all_visits()].count(first.json()["visit_id"]) == 1

    a_new_container()
    without = post(loaded_stack, steward, stops[0], "no-ref-key-first")
    assert without.status == 201, without.text
    by_ref = stored(first.json()["visit_id"])
    assert replace(by_ref, visit_id="") == replace(stored(without.json()["visit_id"]), visit_id="")
    assert {k: v for k, v in first.json().items() if k != "visit_id"} == {
        k: v for k, v in without.json().items() if k != "visit_id"
    }


def test_a_stop_ref_the_route_does_not_have_is_answered_as_the_outcome_without_it(
    planned: EventPump, small_city: Registry, dynamodb_calls: list[str]
) -> None:
    loaded_stack = planned
    steward, other = small_city.stewards[:2]
    assert steward.community_id != other.community_id
    route = routes.find_route(steward.steward_id, PLAN_DATE)
    assert route is not None
    stops = [s for s in read_route(loaded_stack, steward.steward_id).json()["stops"]]
    dropped, forged_on, *_ = [s for s in stops if not s["cover"]]

    def same_as_without(stop: dict[str, Any], ref: str, by: str, **fields: Any) -> int:
        """Post with `ref` in a new container, then without it in another: the same answer
        but the visit id; the route was read (the fallback). The status."""
        a_new_container()
        dynamodb_calls.clear()
        with_ref = post(
            loaded_stack,
            by,
            stop,
            f"with-{len(ref)}-{stop['elder_id']}-{by}",
            stop_ref=ref,
            **fields,
        )
        assert "GetItem" in dynamodb_calls
        a_new_container()
        plain = post(loaded_stack, by, stop, f"plain-{len(ref)}-{stop['elder_id']}-{by}", **fields)
        answers = [
            {k: v for k, v in r.json().items() if k != "visit_id"} for r in (with_ref, plain)
        ]
        assert (with_ref.status, answers[0]) == (plain.status, answers[1])
        return with_ref.status

    # Forged: the stop's reference with another urgent date (a T1 the registry does not say).
    given = ref_stop(forged_on["stop_ref"])
    assert given is not None
    original = next(s for s in route["stops"] if s["elder_id"] == forged_on["elder_id"])
    facts = {**original["elder_facts"], "urgent_until": (PLAN_DATE + timedelta(9)).isoformat()}
    forged = stop_ref({**original, "elder_facts": facts}, route["community_id"])
    assert forged is not None and forged != forged_on["stop_ref"]
    assert same_as_without(forged_on, forged, steward.steward_id) == 201

    # Another steward sending this steward's reference (and its community): refused as without.
    status = same_as_without(
        forged_on, forged_on["stop_ref"], other.steward_id, community_id=steward.community_id
    )
    assert status == 403

    # Stale: the day re-planned without the stop since the phone read the route.
    routes.save_route(
        {**route, "stops": [s for s in route["stops"] if s["elder_id"] != dropped["elder_id"]]}
    )
    assert same_as_without(dropped, dropped["stop_ref"], steward.steward_id) == 201
