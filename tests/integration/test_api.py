"""The API handler through real HTTP API 2.0 events: routes, outcomes, coverage, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from careroute.domain import CHINA_TZ, Registry
from careroute.storage.visits import all_visits
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE, nightly_tick_time


def post_visit(pump: EventPump, body: object, key: str | None = "key-0000001") -> HttpResponse:
    headers = {"content-type": "application/json"}
    if key is not None:
        headers["idempotency-key"] = key
    raw = body if isinstance(body, str) else json.dumps(body)
    return pump.invoke_http("POST", "/visits", headers=headers, body=raw)


def a_visit(city: Registry, **changes: object) -> dict[str, object]:
    steward = city.stewards[0]
    elder = next(e for e in city.elders if e.community_id == steward.community_id)
    body: dict[str, object] = {
        "steward_id": steward.steward_id,
        "elder_id": elder.elder_id,
        "outcome": "visited",
        "visited_at": datetime.now(CHINA_TZ).replace(microsecond=0).isoformat(),
    }
    body.update(changes)
    return body


def test_a_steward_gets_the_route_with_elder_names_and_addresses(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    loaded_stack.fire_schedule("PlannerFunction", nightly_tick_time(PLAN_DATE))
    loaded_stack.drain_queue("PlanJobsQueue")
    steward = small_city.stewards[0]
    response = loaded_stack.invoke_http(
        "GET", f"/stewards/{steward.steward_id}/routes/{PLAN_DATE.isoformat()}"
    )
    assert response.status == 200
    route = response.json()
    names = {e.elder_id: e.name for e in small_city.elders}
    assert route["stops"]
    assert all(stop["name"] == names[stop["elder_id"]] for stop in route["stops"])
    assert all(stop["address"] for stop in route["stops"])


def test_recording_an_outcome_twice_with_the_same_key_stores_one_visit(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    body = a_visit(small_city)
    first = post_visit(loaded_stack, body)
    again = post_visit(loaded_stack, body)
    assert first.status == 201 and again.status == 201
    assert first.json()["visit_id"] == again.json()["visit_id"]
    assert len(list(all_visits())) == 1


def test_reusing_a_key_for_a_different_visit_is_a_conflict_and_writes_nothing(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    assert post_visit(loaded_stack, a_visit(small_city)).status == 201
    reused = post_visit(loaded_stack, a_visit(small_city, outcome="not_home"))
    assert reused.status == 409
    assert reused.json()["error"]["code"] == "conflict"
    assert [v.outcome.value for v in all_visits()] == ["visited"]


def test_the_same_key_from_another_steward_is_a_different_visit(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    other = small_city.stewards[1]
    elder = next(e for e in small_city.elders if e.community_id == other.community_id)
    assert post_visit(loaded_stack, a_visit(small_city)).status == 201
    second = a_visit(small_city, steward_id=other.steward_id, elder_id=elder.elder_id)
    assert post_visit(loaded_stack, second).status == 201
    assert len(list(all_visits())) == 2


def _future() -> str:
    return (datetime.now(UTC) + timedelta(hours=2)).isoformat()


BAD_REQUESTS = [
    ("malformed JSON", "{not json", "key-0000001", 422, "not valid JSON"),
    ("no key", None, None, 422, "Idempotency-Key header is required"),
    ("short key", None, "abc", 422, "Idempotency-Key must be"),
    ("unknown outcome", {"outcome": "chatted"}, "key-0000001", 422, "outcome"),
    ("wrong type", {"steward_id": 42}, "key-0000001", 422, "steward_id"),
    ("no time zone", {"visited_at": "2026-12-01T09:00:00"}, "key-0000001", 422, "UTC offset"),
    ("future", {"visited_at": _future()}, "key-0000001", 422, "in the future"),
    ("extra field", {"national_id": "x"}, "key-0000001", 422, "national_id"),
    ("unknown elder", {"elder_id": "E999999"}, "key-0000001", 404, "elder E999999 not found"),
    ("unknown steward", {"steward_id": "W9999"}, "key-0000001", 404, "steward W9999"),
]


@pytest.mark.parametrize(
    ("case", "change", "key", "status", "message"), BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS]
)
def test_bad_outcome_requests_get_a_clear_error_and_write_nothing(
    loaded_stack: EventPump,
    small_city: Registry,
    case: str,
    change: object,
    key: str | None,
    status: int,
    message: str,
) -> None:
    body: object = change if isinstance(change, str) else a_visit(small_city, **(change or {}))
    response = post_visit(loaded_stack, body, key=key)
    assert response.status == status, response.text
    assert message in response.json()["error"]["message"]
    assert list(all_visits()) == []


def test_a_steward_cannot_record_a_visit_to_another_communitys_elder(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    other = small_city.stewards[1]
    stranger = next(e for e in small_city.elders if e.community_id == other.community_id)
    response = post_visit(loaded_stack, a_visit(small_city, elder_id=stranger.elder_id))
    assert response.status == 404
    assert list(all_visits()) == []


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/stewards/W0001/routes/2026-13-40", 422),
        ("/stewards/W9999/routes/2026-12-01", 404),
        ("/nowhere", 404),
    ],
)
def test_bad_route_requests_are_client_errors(
    loaded_stack: EventPump, path: str, status: int
) -> None:
    response = loaded_stack.invoke_http("GET", path)
    assert response.status == status


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"month": "2026-13"}, 422, "month must be YYYY-MM"),
        ({"month": "2026-12", "scope": "planet:earth"}, 422, "scope must start with"),
        ({"month": "2026-12", "scope": "district:D99"}, 404, "unknown scope"),
    ],
)
def test_bad_coverage_queries_name_the_problem(
    loaded_stack: EventPump, query: dict[str, str], status: int, message: str
) -> None:
    response = loaded_stack.invoke_http("GET", "/coverage", query=query)
    assert response.status == status
    assert message in response.json()["error"]["message"]
