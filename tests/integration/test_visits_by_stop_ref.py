"""Over HTTP on the local stack: a steward's outcome sent with its stop's `stop_ref`, in a
container that has not kept the steward's route, is one DynamoDB call (the visit's
transaction, which checks the reference on the stored steward and elder) and stores the
record the route's path would; a reference that does not hold (another tier, another
steward's community, the elder changed since) stores nothing itself and the outcome is
answered as without one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from careroute.adapters.dynamodb import registry
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry, Tier
from careroute.planning.stop_elder import ELDER_FACTS
from careroute.service_layer.route_elders import drop_route
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE
from tests.integration.planned_day import plan_the_day, read_route
from tests.integration.test_api import post_visit
from tests.integration.test_visits_from_route import dynamodb_calls as dynamodb_calls
from tests.integration.test_visits_from_route import on_the_plan_date as on_the_plan_date

AFTERNOON = datetime.combine(PLAN_DATE, datetime.min.time(), CHINA_TZ).replace(hour=15)


@pytest.fixture
def own_stops(
    loaded_stack: EventPump, small_city: Registry, on_the_plan_date: None
) -> list[dict[str, Any]]:
    """The first steward's stops of the planned day (no cover stops), as their route read
    answers them."""
    plan_the_day(loaded_stack)
    answer = read_route(loaded_stack, small_city.stewards[0].steward_id).json()
    return [s for s in answer["stops"] if not s["cover"]]


def posted(
    pump: EventPump, steward: str, stop: dict[str, Any], key: str, ref: str | None
) -> HttpResponse:
    """The stop's outcome posted by `steward` in a container that has not kept the route."""
    drop_route(steward, PLAN_DATE)
    at = AFTERNOON - timedelta(minutes=30)
    body = {"elder_id": stop["elder_id"], "outcome": "visited", "visited_at": at.isoformat()}
    if ref is not None:
        body["stop_ref"] = ref
    return post_visit(pump, body, key=key, steward=steward)


def test_an_outcome_with_its_stop_ref_is_one_call_and_stored_as_without(
    loaded_stack: EventPump,
    small_city: Registry,
    own_stops: list[dict[str, Any]],
    dynamodb_calls: list[str],
) -> None:
    steward = small_city.stewards[0].steward_id
    assert all(ELDER_FACTS not in s for s in own_stops)
    with_ref, without_ref = own_stops[:2]
    assert with_ref["stop_ref"].endswith("." + with_ref["tier"])
    posted(loaded_stack, steward, without_ref, "ref-warm-up-1", None)  # the policy, the steward
    dynamodb_calls.clear()
    answer = posted(loaded_stack, steward, with_ref, "ref-key-1", with_ref["stop_ref"])
    assert answer.status == 201, answer.text
    assert dynamodb_calls == ["TransactWriteItems"]
    dynamodb_calls.clear()
    replay = posted(loaded_stack, steward, with_ref, "ref-key-1", with_ref["stop_ref"])
    again = posted(loaded_stack, steward, with_ref, "ref-key-1", None)  # the phone before
    for retried in (replay, again):
        assert (retried.status, retried.json()) == (201, answer.json())
        assert retried.headers.get("idempotent-replayed") == "true"

    community = small_city.stewards[0].community_id
    elder = registry.get_elder(community, with_ref["elder_id"])
    stored = next(v for v in all_visits() if v.visit_id == answer.json()["visit_id"])
    assert stored.tier == load_policy().tier_of(elder, PLAN_DATE)
    assert (stored.community_id, stored.street_id, stored.district_id) == (
        elder.community_id,
        elder.street_id,
        elder.district_id,
    )
    route_path = posted(loaded_stack, steward, with_ref, "ref-key-2", None)
    by_route = next(v for v in all_visits() if v.visit_id == route_path.json()["visit_id"])
    assert (by_route.tier, by_route.street_id) == (stored.tier, stored.street_id)


def test_a_reference_that_does_not_hold_is_answered_as_without_one(
    loaded_stack: EventPump,
    small_city: Registry,
    own_stops: list[dict[str, Any]],
    dynamodb_calls: list[str],
) -> None:
    first = small_city.stewards[0]
    second = next(s for s in small_city.stewards if s.community_id != first.community_id)
    stop = next(s for s in own_stops if s["tier"] != Tier.T1.value)
    community, street, district, tier = stop["stop_ref"].split(".")

    forged = f"{community}.{street}.{district}.{Tier.T1.value}"
    dynamodb_calls.clear()
    answer = posted(loaded_stack, first.steward_id, stop, "forged-tier-1", forged)
    assert answer.status == 201 and answer.json()["tier"] == tier  # the route's, as stored
    assert dynamodb_calls[0] == "TransactWriteItems" and "GetItem" in dynamodb_calls

    # Another community's steward sending a genuine reference of this route's stop: refused
    # by the write, then answered as that steward posting the elder without it.
    theirs = posted(loaded_stack, second.steward_id, stop, "foreign-1", stop["stop_ref"])
    plain = posted(loaded_stack, second.steward_id, stop, "foreign-2", None)
    assert theirs.status == plain.status and theirs.status >= 400
    assert theirs.json()["error"]["code"] == plain.json()["error"]["code"]

    # The elder changed since the route was read: urgent now, so T1 from the visit's day.
    registry.raise_urgent_until(community, stop["elder_id"], PLAN_DATE + timedelta(days=30))
    urgent = posted(loaded_stack, first.steward_id, stop, "changed-1", stop["stop_ref"])
    assert urgent.status == 201 and urgent.json()["tier"] == Tier.T1.value
    tiers = {v.visit_id: v.tier for v in all_visits()}
    assert tiers[urgent.json()["visit_id"]] is Tier.T1
    assert tiers[answer.json()["visit_id"]] == Tier(tier)
    assert not any(v.steward_id == second.steward_id for v in all_visits())
