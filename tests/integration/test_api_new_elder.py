"""POST /elders through the API: one elder added by the city admin or its community's
steward, checked as an import row is, counted once in the registry totals, which also follow
a status change."""

from __future__ import annotations

from typing import Any

from careroute.adapters.dynamodb import coverage
from careroute.domain.coverage import ALL_TIERS, Scope, scopes_of
from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import TODAY
from tests.integration.test_api_registry import call

MONTH = TODAY.strftime("%Y-%m")


def new_elder(community_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "elder_id": "E900001",
        "community_id": community_id,
        "name": "新老人",
        "address": "新社区 1号楼101室",
        "lat": 41.79,
        "lng": 123.38,
        "categories": ["living_alone", "disabled"],
        "birth_date": TODAY.replace(year=TODAY.year - 82, day=1).isoformat(),
        "window": {"start": "08:30", "end": "17:00"},
        **changes,
    }


def elders_due(scope: Scope) -> int:
    rows = coverage.read_coverage(MONTH, scope)
    return next(row["elders_due"] for row in rows if row["tier"] == ALL_TIERS)


def test_an_added_elder_is_counted_once_and_leaves_the_count_when_deceased(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    community = small_city.communities[0]
    scopes = scopes_of(community.community_id, community.street_id, community.district_id)
    before = [elders_due(scope) for scope in scopes]
    body = new_elder(community.community_id)

    added = call(loaded_stack, "POST", "/elders", "city_admin", None, body=body)
    assert added.status == 201, added.text
    assert added.json()["name"] == "新老人" and added.json()["tier"] == "T1"
    again = call(loaded_stack, "POST", "/elders", "city_admin", None, body=body)
    assert again.status == 201 and again.headers.get("idempotent-replayed") == "true"
    assert [elders_due(scope) for scope in scopes] == [n + 1 for n in before]

    path = f"/elders/{community.community_id}/E900001"
    gone = call(loaded_stack, "PATCH", path, "city_admin", None, body={"status": "deceased"})
    assert gone.status == 200, gone.text
    assert [elders_due(scope) for scope in scopes] == before


def test_the_communitys_steward_may_add_an_elder_and_another_steward_may_not(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    own, other = small_city.stewards[0], small_city.stewards[1]
    body = new_elder(own.community_id)
    refused = call(loaded_stack, "POST", "/elders", "steward", other.steward_id, body=body)
    assert refused.status == 403, refused.text
    official = call(loaded_stack, "POST", "/elders", "district_official", "D01", body=body)
    assert official.status == 403, official.text
    added = call(loaded_stack, "POST", "/elders", "steward", own.steward_id, body=body)
    assert added.status == 201, added.text


def test_a_new_elder_is_checked_as_a_row_of_elders_csv(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    community_id = small_city.communities[0].community_id
    taken = small_city.elders[0]
    cases = [
        (
            {"birth_date": TODAY.replace(year=TODAY.year - 50).isoformat()},
            422,
            "birth_date: age 50",
        ),
        ({"name": "110101 19900307 7777"}, 422, "name: looks like a national ID number"),
        ({"last_visited_on": "2999-01-01"}, 422, "last_visited_on"),
        ({"categories": ["bored"]}, 422, "categories"),
        ({"crs": "baidu"}, 422, "crs"),
        ({"community_id": "C9999"}, 404, "C9999"),
        ({"elder_id": taken.elder_id, "community_id": taken.community_id}, 409, "already"),
    ]
    for changes, status, named in cases:
        body = new_elder(community_id) | changes
        response = call(loaded_stack, "POST", "/elders", "city_admin", None, body=body)
        assert response.status == status, (changes, response.text)
        assert named in response.json()["error"]["message"], (changes, response.text)
        assert "19900307" not in response.text
