"""A visit takes its tier and scopes from the elder as stored when the visit is written, even
when the API function read that elder for an earlier visit and kept it: the visit's write
checks the elder it was made from, and a changed elder is read again."""

from __future__ import annotations

from datetime import timedelta

from careroute.adapters.dynamodb import registry
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry, Tier
from careroute_local.pump import EventPump
from tests.conftest import china_now
from tests.integration.test_api import post_visit


def test_a_visit_after_the_elder_became_urgent_is_recorded_at_t1(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    steward = small_city.stewards[0]
    now = china_now().replace(microsecond=0)
    elder = next(
        e
        for e in small_city.elders
        if e.community_id == steward.community_id
        and load_policy().tier_of(e, now.date()) is not Tier.T1
    )
    body = {"elder_id": elder.elder_id, "outcome": "not_home", "visited_at": now.isoformat()}
    before = post_visit(loaded_stack, body, key="key-before-urgent", steward=steward.steward_id)
    assert before.status == 201, before.text
    assert before.json()["tier"] != Tier.T1.value

    registry.raise_urgent_until(elder.community_id, elder.elder_id, now.date() + timedelta(30))
    later = {**body, "outcome": "visited", "visited_at": (now + timedelta(minutes=5)).isoformat()}
    after = post_visit(loaded_stack, later, key="key-after-urgent", steward=steward.steward_id)
    assert after.status == 201, after.text
    assert after.json()["tier"] == Tier.T1.value
    stored = {v.visit_id: v.tier for v in all_visits()}
    assert stored == {
        before.json()["visit_id"]: Tier(before.json()["tier"]),
        after.json()["visit_id"]: Tier.T1,
    }
