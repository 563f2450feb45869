"""Steward leave through the API: who may read or replace it, what is refused (and writes
nothing), and that the planner's view of the steward (`works_on`) follows it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from careroute.adapters.dynamodb import registry
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import TODAY, bearer
from tests.integration.api_calls import send_json

PATH = "/stewards/W0001/leave"  # W0001 looks after C0001, in street S001 of district D01
LEAVE = [TODAY + timedelta(days=9), TODAY + timedelta(days=2), TODAY + timedelta(days=3)]


def call(
    pump: EventPump, method: str, role: str, scope: str | None, body: object = None,
    path: str = PATH,
) -> HttpResponse:  # fmt: skip
    return send_json(pump, method, path, bearer(pump, role, scope), body)


def iso(days: list[date]) -> list[str]:
    return [d.isoformat() for d in days]


def test_leave_round_trips_and_the_planner_sees_it(loaded_stack: EventPump) -> None:
    empty = call(loaded_stack, "GET", "city_admin", None)
    assert empty.status == 200, empty.text
    assert empty.json() == {"steward_id": "W0001", "community_id": "C0001", "dates": []}
    put = call(loaded_stack, "PUT", "street_official", "S001", {"dates": iso(LEAVE)})
    assert put.status == 200, put.text
    assert put.json()["dates"] == sorted(iso(LEAVE))
    own = call(loaded_stack, "GET", "steward", "W0001")
    assert own.status == 200 and own.json() == put.json()
    steward = registry.get_steward("W0001")
    assert steward.leave == frozenset(LEAVE)
    assert not any(steward.works_on(day) for day in LEAVE)
    assert registry.steward_of_community("C0001").leave == frozenset(LEAVE)
    cleared = call(loaded_stack, "PUT", "district_official", "D01", {"dates": []})
    assert cleared.status == 200 and cleared.json()["dates"] == []
    assert registry.get_steward("W0001").leave == frozenset()


@pytest.mark.parametrize(
    ("method", "role", "scope"),
    [("GET", "steward", "W0002"), ("GET", "district_official", "D02"),
     ("GET", "street_official", "S002"), ("GET", "inspector", "D01"),
     ("PUT", "steward", "W0001"), ("PUT", "steward", "W0002"),
     ("PUT", "district_official", "D02"), ("PUT", "street_official", "S002"),
     ("PUT", "inspector", "D01")],
)  # fmt: skip
def test_leave_is_refused_outside_the_callers_role_or_scope_and_nothing_is_written(
    loaded_stack: EventPump, method: str, role: str, scope: str
) -> None:
    body = {"dates": iso(LEAVE)} if method == "PUT" else None
    response = call(loaded_stack, method, role, scope, body)
    assert response.status == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"
    assert registry.get_steward("W0001").leave == frozenset()


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_an_unknown_steward_is_404_in_the_error_shape(loaded_stack: EventPump, method: str) -> None:
    body = {"dates": []} if method == "PUT" else None
    response = call(loaded_stack, method, "city_admin", None, body, path="/stewards/W9999/leave")
    assert response.status == 404, response.text
    assert response.json() == {"error": {"code": "not_found", "message": "steward W9999 not found"}}


TOO_MANY = [TODAY + timedelta(days=n) for n in range(-183, 184)]  # 367 dates, all in range

BAD_BODIES = [
    ("not a date", {"dates": ["2027-02-30"]}, "dates"),
    ("not a string", {"dates": [20270101]}, "dates"),
    ("duplicates", {"dates": iso([LEAVE[0], LEAVE[1], LEAVE[0]])}, "dates"),
    ("too many", {"dates": iso(TOO_MANY)}, "dates"),
    ("too far ahead", {"dates": iso([TODAY + timedelta(days=401)])}, "dates"),
    ("too far back", {"dates": iso([TODAY - timedelta(days=401)])}, "dates"),
    ("not a list", {"dates": "2027-01-01"}, "dates"),
    ("no dates", {}, "dates"),
    ("extra field", {"dates": [], "reason": "holiday"}, "reason"),
    ("malformed JSON", "{not json", "JSON"),
    ("not an object", "[1, 2]", "body"),
]


@pytest.mark.parametrize(
    ("body", "field"), [(b, f) for _, b, f in BAD_BODIES], ids=[n for n, _, _ in BAD_BODIES]
)
def test_bad_leave_is_422_naming_the_field_and_writes_nothing(
    loaded_stack: EventPump, body: object, field: str
) -> None:
    assert call(loaded_stack, "PUT", "city_admin", None, {"dates": iso(LEAVE)}).status == 200
    response = call(loaded_stack, "PUT", "city_admin", None, body)
    assert response.status == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and field in error["message"]
    assert registry.get_steward("W0001").leave == frozenset(LEAVE)


def test_the_limits_themselves_are_accepted(loaded_stack: EventPump) -> None:
    edges = [TODAY - timedelta(days=400), TODAY + timedelta(days=400)]
    assert call(loaded_stack, "PUT", "city_admin", None, {"dates": iso(edges)}).status == 200
    most = TOO_MANY[:366]
    response = call(loaded_stack, "PUT", "city_admin", None, {"dates": iso(most)})
    assert response.status == 200, response.text
    assert len(registry.get_steward("W0001").leave) == 366


def test_the_openapi_document_lists_the_leave_routes(loaded_stack: EventPump) -> None:
    document = loaded_stack.invoke_http("GET", "/openapi.json").json()
    operations = document["paths"]["/stewards/{steward_id}/leave"]
    assert set(operations) == {"get", "put"}
