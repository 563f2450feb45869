"""Officials' and the bureau's routes: overdue, elders list, registry changes with history,
audit of personal-data reads, tier policy and holidays; every role boundary."""

from __future__ import annotations

import json
import tomllib
from datetime import date, timedelta
from typing import Any

import pytest

from careroute.adapters.dynamodb import history, registry
from careroute.domain.elder_history import Entry, Kind
from careroute.domain.policy import DEFAULT_POLICY_PATH
from careroute.domain.vocabulary import Registry
from careroute.entrypoints.policy_in_force import current_policy
from careroute.service_layer.bureau import checked_policy
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE, TODAY, bearer, nightly_tick_time
from tests.integration.api_calls import send_json


def call(
    pump: EventPump,
    method: str,
    path: str,
    role: str,
    scope: str | None,
    query: dict[str, str] | None = None,
    body: object = None,
) -> HttpResponse:
    return send_json(pump, method, path, bearer(pump, role, scope), body, query=query)


def reads(community_id: str) -> list[Entry]:
    return list(history.entries(history.community_pk(community_id), Kind.READ))


def changes(community_id: str, elder_id: str) -> list[Entry]:
    return list(history.entries(history.elder_pk(community_id, elder_id)))


# --- overdue ---------------------------------------------------------------------------


def test_overdue_lists_active_elders_past_their_deadline_without_names(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    later = TODAY + timedelta(days=70)
    query = {"scope": "district:D01", "on": later.isoformat(), "limit": "400"}
    pages: list[dict[str, Any]] = []
    while not pages or pages[-1]["next_cursor"] is not None:
        after = {"after": pages[-1]["next_cursor"]} if pages else {}
        response = call(loaded_stack, "GET", "/overdue", "district_official", "D01",
                        query | after)  # fmt: skip
        assert response.status == 200, response.text
        pages.append(response.json())
    elders = [entry for page in pages for entry in page["elders"]]
    active = {e.elder_id for e in small_city.elders if e.status.value == "active"}
    assert len(pages) == 3 and [len(page["elders"]) for page in pages[:2]] == [400, 400]
    assert pages[0]["count"] == len(elders) == len({e["elder_id"] for e in elders}) == len(active)
    assert sum(pages[0]["by_tier"].values()) == sum(pages[0]["by_district"].values()) == len(elders)
    for entry in elders:
        assert set(entry) == {
            "elder_id", "community_id", "tier", "last_visited_on", "deadline", "days_overdue"
        }  # fmt: skip
        if entry["deadline"] is not None:
            deadline = date.fromisoformat(entry["deadline"])
            assert deadline < later and entry["days_overdue"] == (later - deadline).days
    today = call(loaded_stack, "GET", "/overdue", "city_admin", None, {"scope": "city"}).json()
    assert today["on"] == TODAY.isoformat() and today["count"] < len(active)


@pytest.mark.parametrize(
    ("role", "scope", "where"),
    [("district_official", "D02", "district:D01"), ("steward", "W0001", "community:C0001"),
     ("street_official", "S001", "community:C0002"), ("inspector", "D01", "district:D01")],
)  # fmt: skip
def test_overdue_is_refused_outside_the_callers_scope(
    loaded_stack: EventPump, role: str, scope: str, where: str
) -> None:
    response = call(loaded_stack, "GET", "/overdue", role, scope, {"scope": where})
    assert response.status == 403 and response.json()["error"]["code"] == "forbidden"


# --- elders list -----------------------------------------------------------------------


def test_the_communitys_steward_sees_names_and_the_read_is_audited(
    loaded_stack: EventPump,
) -> None:
    response = call(loaded_stack, "GET", "/elders", "steward", "W0001", {"community_id": "C0001"})
    assert response.status == 200, response.text
    page = response.json()
    assert page["personal_data"] and all(row["name"] and row["address"] for row in page["elders"])
    [audit] = reads("C0001")
    assert audit.what == "elders_list" and audit.actor.role == "steward"
    assert list(audit.elder_ids) == [row["elder_id"] for row in page["elders"]]


def test_an_official_sees_no_names_and_no_read_is_audited(loaded_stack: EventPump) -> None:
    query = {"community_id": "C0001"}
    page = call(loaded_stack, "GET", "/elders", "district_official", "D01", query).json()
    assert page["elders"] and not page["personal_data"]
    assert all(row["name"] is None and row["address"] is None for row in page["elders"])
    assert reads("C0001") == []


@pytest.mark.parametrize(
    ("role", "scope"),
    [("steward", "W0002"), ("district_official", "D02"), ("street_official", "S002"),
     ("inspector", "D01")],
)  # fmt: skip
def test_the_elders_of_a_community_are_refused_outside_the_callers_scope(
    loaded_stack: EventPump, role: str, scope: str
) -> None:
    response = call(loaded_stack, "GET", "/elders", role, scope, {"community_id": "C0001"})
    assert response.status == 403, response.text
    assert reads("C0001") == []


def test_pages_cover_the_community_once_and_filters_apply(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    seen: list[str] = []
    query = {"community_id": "C0001", "limit": "17"}
    while True:
        page = call(loaded_stack, "GET", "/elders", "city_admin", None, query).json()
        assert len(page["elders"]) <= 17
        seen += [row["elder_id"] for row in page["elders"]]
        if page["next_cursor"] is None:
            break
        query["cursor"] = page["next_cursor"]
    expected = sorted(e.elder_id for e in small_city.elders if e.community_id == "C0001")
    assert seen == expected and len(set(seen)) == len(seen)
    t1 = call(loaded_stack, "GET", "/elders", "city_admin", None,
              {"community_id": "C0001", "tier": "T1", "limit": "200"}).json()  # fmt: skip
    assert t1["elders"] and {row["tier"] for row in t1["elders"]} == {"T1"}


@pytest.mark.parametrize(
    "query",
    [{"community_id": "C0001", "limit": "201"}, {"community_id": "C0001", "cursor": "bm9wZQ"},
     {"community_id": "C0001", "tier": "T9"}, {}],
)  # fmt: skip
def test_bad_elders_queries_are_422(loaded_stack: EventPump, query: dict[str, str]) -> None:
    response = call(loaded_stack, "GET", "/elders", "city_admin", None, query)
    assert response.status == 422 and response.json()["error"]["code"] == "invalid_request"


def test_an_unknown_community_is_404(loaded_stack: EventPump) -> None:
    query = {"community_id": "C9999"}
    assert call(loaded_stack, "GET", "/elders", "city_admin", None, query).status == 404


# --- registry changes and history -------------------------------------------------------


def first_elder(city: Registry) -> Any:
    return next(e for e in city.elders if e.community_id == "C0001")


def test_a_change_is_applied_and_kept_in_the_history(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    elder = first_elder(small_city)
    path = f"/elders/C0001/{elder.elder_id}"
    body = {
        "status": "hospitalised",
        "address": "新地址 1号",
        "window": {"start": "09:00", "end": "11:30"},
    }
    response = call(loaded_stack, "PATCH", path, "city_admin", None, body=body)
    assert response.status == 200, response.text
    assert response.json()["changed"] == ["address", "status", "window"]
    stored = registry.get_elder("C0001", elder.elder_id)
    assert stored.status.value == "hospitalised" and stored.address == "新地址 1号"
    assert str(stored.window) == "09:00-11:30"
    official = call(loaded_stack, "PATCH", path, "district_official", "D01",
                    body={"categories": ["poor", "living_alone", "poor"]})  # fmt: skip
    assert official.json()["changed"] == ["categories"]
    entries = call(loaded_stack, "GET", f"{path}/history", "city_admin", None).json()["changes"]
    by_field = {e["field"]: e for e in entries}
    assert set(by_field) == {"status", "address", "window", "categories"}
    assert by_field["status"]["old"] == "active" and by_field["status"]["new"] == "hospitalised"
    assert by_field["categories"]["actor_role"] == "district_official"
    assert by_field["categories"]["new"] == ["living_alone", "poor"]
    assert by_field["address"]["old"] == elder.address
    masked = call(loaded_stack, "GET", f"{path}/history", "district_official", "D01").json()
    assert all(e["old"] is None for e in masked["changes"] if e["field"] == "address")
    again = call(loaded_stack, "PATCH", path, "city_admin", None, body={"status": "hospitalised"})
    assert again.json()["changed"] == [] and len(changes("C0001", elder.elder_id)) == 5


@pytest.mark.parametrize(
    ("role", "scope"),
    [("district_official", "D02"), ("street_official", "S002"), ("steward", "W0001"),
     ("inspector", "D01")],
)  # fmt: skip
def test_a_change_outside_the_callers_scope_is_refused_and_writes_nothing(
    loaded_stack: EventPump, small_city: Registry, role: str, scope: str
) -> None:
    elder = first_elder(small_city)
    response = call(loaded_stack, "PATCH", f"/elders/C0001/{elder.elder_id}", role, scope,
                    body={"status": "moved"})  # fmt: skip
    assert response.status == 403, response.text
    assert registry.get_elder("C0001", elder.elder_id).status.value == "active"
    assert changes("C0001", elder.elder_id) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [({"categories": ["living_alone", "rich"]}, "categories"),
     ({"window": {"start": "12:00", "end": "09:00"}}, "window"),
     ({"window": {"start": "9am", "end": "10:00"}}, "window.start"),
     ({"status": "retired"}, "status"), ({"address": ""}, "address"), ({}, "body"),
     ({"name": "x"}, "name"), ("{not json", "JSON")],
)  # fmt: skip
def test_an_invalid_change_is_422_naming_the_field_and_writes_nothing(
    loaded_stack: EventPump, small_city: Registry, body: object, field: str
) -> None:
    elder = first_elder(small_city)
    response = call(loaded_stack, "PATCH", f"/elders/C0001/{elder.elder_id}", "city_admin", None,
                    body=body)  # fmt: skip
    assert response.status == 422, response.text
    assert field in response.json()["error"]["message"]
    assert registry.get_elder("C0001", elder.elder_id) == elder
    assert changes("C0001", elder.elder_id) == []


def test_changing_an_unknown_elder_is_404(loaded_stack: EventPump) -> None:
    response = call(loaded_stack, "PATCH", "/elders/C0001/E999999", "city_admin", None,
                    body={"status": "moved"})  # fmt: skip
    assert response.status == 404


# --- audit of route reads -----------------------------------------------------------------


def test_reading_a_route_writes_an_audit_record(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    loaded_stack.fire_schedule("PlannerFunction", nightly_tick_time(PLAN_DATE))
    loaded_stack.drain_queue("PlanJobsQueue")
    path = f"/stewards/W0001/routes/{PLAN_DATE.isoformat()}"
    route = call(loaded_stack, "GET", path, "steward", "W0001").json()
    assert loaded_stack.deliver_logs().succeeded == 1  # the read's audit line, to its writer
    [audit] = reads("C0001")
    assert audit.what == "route" and audit.actor.role == "steward"
    assert set(audit.elder_ids) == {stop["elder_id"] for stop in route["stops"]}


# --- bureau: policy and holidays ---------------------------------------------------------


def test_the_policy_is_the_default_until_the_bureau_replaces_it(loaded_stack: EventPump) -> None:
    default = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    assert call(loaded_stack, "GET", "/policy", "city_admin", None).json() == default
    changed = json.loads(json.dumps(default))
    changed["tiers"]["T1"]["cadence_days"] = 5
    put = call(loaded_stack, "PUT", "/policy", "city_admin", None, body=changed)
    assert put.status == 200, put.text
    assert call(loaded_stack, "GET", "/policy", "city_admin", None).json() == changed
    assert current_policy(checked_policy(default)).tiers["T1"].cadence_days == 5  # type: ignore[index]


@pytest.mark.parametrize(
    ("change", "key"),
    [(("tiers", "T1", "rules"), "tiers.T1: missing key 'rules'"),
     (("travel", "circuity"), "travel: missing key 'circuity'"),
     (("monthly_visit_required",), "monthly_visit_required")],
)  # fmt: skip
def test_an_invalid_policy_is_422_naming_the_key_and_not_stored(
    loaded_stack: EventPump, change: tuple[str, ...], key: str
) -> None:
    document = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    table = document
    for part in change[:-1]:
        table = table[part]
    del table[change[-1]]
    response = call(loaded_stack, "PUT", "/policy", "city_admin", None, body=document)
    assert response.status == 422 and key in response.json()["error"]["message"]
    stored = call(loaded_stack, "GET", "/policy", "city_admin", None).json()
    assert stored == tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))


def test_holidays_are_replaced_and_validated(loaded_stack: EventPump) -> None:
    unset = call(loaded_stack, "GET", "/holidays", "city_admin", None).json()
    assert (unset["holidays"], unset["workdays"]) == ([], [])
    calendar = {"holidays": [{"date": "2027-02-06", "name": "春节"},
                             {"date": "2027-01-01", "name": "元旦"}]}  # fmt: skip
    assert call(loaded_stack, "PUT", "/holidays", "city_admin", None, body=calendar).status == 200
    stored = call(loaded_stack, "GET", "/holidays", "city_admin", None).json()["holidays"]
    assert [h["date"] for h in stored] == ["2027-01-01", "2027-02-06"]
    for bad in ({"holidays": [{"date": "2027-02-30", "name": "x"}]},
                {"holidays": [{"date": "2027-01-01", "name": "a"},
                              {"date": "2027-01-01", "name": "b"}]},
                {"holidays": [{"date": "2027-01-01", "name": ""}]}):  # fmt: skip
        assert call(loaded_stack, "PUT", "/holidays", "city_admin", None, body=bad).status == 422
    assert call(loaded_stack, "GET", "/holidays", "city_admin", None).json()["holidays"] == stored


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/policy"), ("PUT", "/policy"), ("GET", "/holidays"),
                         ("PUT", "/holidays")],
)  # fmt: skip
@pytest.mark.parametrize(("role", "scope"), [("district_official", "D01"), ("steward", "W0001")])
def test_only_the_city_admin_reads_or_sets_the_bureau_settings(
    loaded_stack: EventPump, method: str, path: str, role: str, scope: str
) -> None:
    body = {"holidays": []} if method == "PUT" else None
    assert call(loaded_stack, method, path, role, scope, body=body).status == 403
