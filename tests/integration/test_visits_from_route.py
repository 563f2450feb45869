"""Over HTTP on the local stack: once the steward has read the day's route, an outcome for an
elder on it is one DynamoDB call (the visit's transaction, its check included), and an elder
changed since the plan is still recorded as stored when the outcome is written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.client import BaseClient

from careroute.adapters.dynamodb import registry
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain import clock
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry, Tier
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE
from tests.integration.planned_day import plan_the_day, read_route
from tests.integration.test_api import post_visit

AFTERNOON = datetime.combine(PLAN_DATE, datetime.min.time(), CHINA_TZ).replace(hour=15)


@pytest.fixture
def dynamodb_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every AWS call made in this process from now on, in order."""
    calls: list[str] = []
    make_call = BaseClient._make_api_call

    def counted(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls.append(operation)
        return make_call(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counted)
    return calls


@pytest.fixture
def on_the_plan_date() -> Iterator[None]:
    with clock.use(lambda: AFTERNOON):
        yield


def test_an_outcome_on_the_route_read_is_one_call_and_takes_the_elder_as_stored(
    loaded_stack: EventPump,
    small_city: Registry,
    on_the_plan_date: None,
    dynamodb_calls: list[str],
) -> None:
    plan_the_day(loaded_stack)
    steward = small_city.stewards[0].steward_id
    stops = [s for s in read_route(loaded_stack, steward).json()["stops"] if not s["cover"]]
    first, second = stops[:2]
    changed = next(s for s in stops[2:] if s["tier"] != Tier.T1.value)
    policy = load_policy()

    def post(stop: dict[str, Any], minutes: int, key: str) -> dict[str, Any]:
        at = AFTERNOON - timedelta(minutes=minutes)
        body = {"elder_id": stop["elder_id"], "outcome": "visited", "visited_at": at.isoformat()}
        response = post_visit(loaded_stack, body, key=key, steward=steward)
        assert response.status == 201, response.text
        answer: dict[str, Any] = response.json()
        return answer

    post(first, 60, "route-key-first")  # the container reads the steward and the policy
    dynamodb_calls.clear()
    recorded = post(second, 50, "route-key-second")
    assert dynamodb_calls == ["TransactWriteItems"]
    elder = registry.get_elder(small_city.stewards[0].community_id, second["elder_id"])
    assert recorded["tier"] == policy.tier_of(elder, PLAN_DATE).value

    stored = registry.get_elder(small_city.stewards[0].community_id, changed["elder_id"])
    registry.raise_urgent_until(stored.community_id, stored.elder_id, PLAN_DATE + timedelta(30))
    urgent = post(changed, 40, "route-key-urgent")  # the route's copy fails the check: read
    dynamodb_calls.clear()
    again = post(changed, 30, "route-key-urgent-again")  # the elder read is kept instead
    assert dynamodb_calls == ["TransactWriteItems"]
    assert (urgent["tier"], again["tier"]) == (Tier.T1.value, Tier.T1.value)
    tiers = {v.visit_id: v.tier for v in all_visits()}
    assert (tiers[urgent["visit_id"]], tiers[again["visit_id"]]) == (Tier.T1, Tier.T1)
