"""Needs assessments end to end on the local stack: the assessment planner schedule routes
open requests to qualified assessors; an assessor fetches the route over HTTP and posts a
graded care level: the request closes once, the elder's care level, categories and tier
follow, with history naming the reason. Duplicates, bad input and other scopes are refused."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from careroute_synthetic.assessments import generate_assessments

from careroute.adapters.dynamodb import assessments, history, registry
from careroute.domain.assessments import QUALIFIED, AssessmentRequest
from careroute.domain.elder_history import Kind
from careroute.domain.vocabulary import Category, Registry
from careroute.service_layer.assessments import load_world
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE, TODAY, bearer, china_now, nightly_tick_time
from tests.integration.api_calls import post_json
from tests.unit.test_assessment_instrument import scores_for

DISTRICT = "D01"
NOW = china_now().replace(microsecond=0)


@pytest.fixture
def planned(loaded_stack: EventPump, small_city: Registry) -> tuple[EventPump, Any]:
    """The small city's assessors and requests loaded, tomorrow's routes planned."""
    assessors, requests = generate_assessments(
        small_city.communities, small_city.elders, 11, TODAY, share=0.3
    )
    requests = tuple(sorted(requests, key=lambda r: r.request_id))
    due = tuple(replace(r, deadline=PLAN_DATE) for r in requests[:2])  # mandatory tomorrow
    requests = due + requests[2:]
    load_world(assessors, requests, assessments, assessments)
    summary = loaded_stack.fire_schedule(
        "AssessmentPlannerFunction",
        nightly_tick_time(PLAN_DATE) - timedelta(hours=2),
        overrides={"plan_date": PLAN_DATE.isoformat()},
    )
    assert summary["districts"] == 1 and summary["planned"] > 0
    return loaded_stack, (assessors, requests)


def post(pump: EventPump, body: dict[str, Any], key: str, scope: str = DISTRICT) -> HttpResponse:
    return post_json(pump, "/assessments/results", bearer(pump, "assessor", scope), body, key)


def first_request(world: Any) -> AssessmentRequest:
    return sorted(world[1], key=lambda r: r.request_id)[0]


def result(world: Any, grade: str = "self", **changes: Any) -> dict[str, Any]:
    qualified = next(a for a in world[0] if QUALIFIED in a.skills)
    body = {"request_id": first_request(world).request_id, "assessor_id": qualified.assessor_id,
            "scores": scores_for(grade), "assessed_at": NOW.isoformat()}  # fmt: skip
    return {**body, **changes}


def test_qualified_assessors_get_the_requests_and_fetch_their_routes(
    planned: tuple[EventPump, Any],
) -> None:
    pump, world = planned
    stops: dict[str, list[str]] = {}
    for assessor in world[0]:
        path = f"/assessors/{assessor.assessor_id}/routes/{PLAN_DATE.isoformat()}"
        response = pump.invoke_http("GET", path, headers=bearer(pump, "assessor", DISTRICT))
        assert response.status == 200, response.body
        stops[assessor.assessor_id] = [s["request_id"] for s in response.json()["stops"]]
    unqualified = next(a.assessor_id for a in world[0] if QUALIFIED not in a.skills)
    assert stops[unqualified] == []
    assert sum(len(s) for s in stops.values()) > 0
    due = [r.request_id for r in world[1] if r.deadline <= PLAN_DATE]
    assert set(due) <= {r for s in stops.values() for r in s}


def test_a_result_grades_the_elder_once_with_history_and_a_retry_changes_nothing(
    planned: tuple[EventPump, Any],
) -> None:
    pump, world = planned
    req = first_request(world)
    before = registry.get_elder(req.community_id, req.elder_id)
    first = post(pump, result(world, "self"), "assess-key-0001")
    assert first.status == 201, first.body
    doc = first.json()
    assert (doc["level"], doc["care_subsidy_yuan"]) == ("self", 200)
    after = registry.get_elder(req.community_id, req.elder_id)
    assert after.care_level == "self" and Category.DISABLED not in after.categories
    assert after.categories == before.categories - {Category.DISABLED}
    pk = history.elder_pk(req.community_id, req.elder_id)
    changes = list(history.entries(pk, Kind.CHANGE))
    assert {c.what for c in changes} >= {"care_level"}
    assert all(req.request_id in c.reason for c in changes)

    again = post(pump, result(world, "self"), "assess-key-0001")
    assert (again.status, again.json()) == (201, doc)  # a replay answers as the first did
    assert again.headers["idempotent-replayed"] == "true"
    assert len(list(history.entries(pk, Kind.CHANGE))) == len(changes)
    other = post(pump, result(world, "disabled"), "assess-key-0002")
    assert other.status == 409
    assert registry.get_elder(req.community_id, req.elder_id).care_level == "self"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"level": "bedridden"}, "level"),
        ({"level": "disabled"}, "level: the scores (total 90, intact) give self"),
        ({"scores": scores_for("self") | {"self_care": 40}}, "scores.self_care: must be 0..32"),
        ({"scores": {"self_care": 20}}, "scores: need each of"),
        ({"assessed_at": "2026-12-01T10:00:00"}, "assessed_at"),
        ({"request_id": "no such id!"}, "request_id"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_grades_nothing(
    planned: tuple[EventPump, Any], changes: dict[str, Any], field: str
) -> None:
    pump, world = planned
    response = post(pump, result(world, **changes), "assess-key-bad1")
    assert response.status == 422, response.body
    assert field in response.json()["error"]["message"]
    req = first_request(world)
    assert registry.get_elder(req.community_id, req.elder_id).care_level is None


def test_a_missing_key_an_unknown_request_and_other_scopes_are_refused(
    planned: tuple[EventPump, Any],
) -> None:
    pump, world = planned
    headers = bearer(pump, "assessor", DISTRICT)
    body = json.dumps(result(world))
    missing = pump.invoke_http("POST", "/assessments/results", headers=headers, body=body)
    assert missing.status == 422 and "Idempotency-Key" in missing.json()["error"]["message"]
    assert post(pump, result(world, request_id="as-0000"), "assess-key-404").status == 404
    assert post(pump, result(world), "assess-key-d02", scope="D02").status == 403
    unqualified = next(a.assessor_id for a in world[0] if QUALIFIED not in a.skills)
    assert post(pump, result(world, assessor_id=unqualified), "assess-key-unq").status == 403
    steward = {**bearer(pump, "steward", "W0001"), "idempotency-key": "assess-key-stw"}
    response = pump.invoke_http("POST", "/assessments/results", headers=steward, body=body)
    assert response.status == 403
    path = f"/assessors/{world[0][0].assessor_id}/routes/{PLAN_DATE.isoformat()}"
    for role, scope in (("assessor", "D02"), ("district_official", "D02"), ("steward", "W0001")):
        assert pump.invoke_http("GET", path, headers=bearer(pump, role, scope)).status == 403
    assert (
        pump.invoke_http("GET", path, headers=bearer(pump, "district_official", DISTRICT)).status
        == 200
    )


def test_a_steward_asks_for_an_assessment_and_the_district_summary_counts_it(
    planned: tuple[EventPump, Any], small_city: Registry
) -> None:
    """Given an elder with no request, when their steward asks for an assessment over HTTP,
    then the request is stored open, due in the policy's 30 days (a retry answers the same,
    a stranger and bad input are refused), and the district summary counts it open."""
    pump, world = planned
    asked = {r.elder_id for r in world[1]}
    elder = next(e for e in small_city.elders if e.elder_id not in asked)
    steward = next(s for s in small_city.stewards if s.community_id == elder.community_id)
    body = json.dumps({"community_id": elder.community_id, "elder_id": elder.elder_id})
    query = {"scope": f"district:{DISTRICT}"}
    official = bearer(pump, "district_official", DISTRICT)
    before = pump.invoke_http("GET", "/assessments/summary", headers=official, query=query)
    assert before.status == 200, before.text

    def ask(role: str, scope: str, text: str = body) -> HttpResponse:
        headers = bearer(pump, role, scope)
        return pump.invoke_http("POST", "/assessments/requests", headers=headers, body=text)

    assert ask("steward", steward.steward_id, '{"elder_id": "E1"}').status == 422
    assert ask("family", "E-someone-else").status == 403
    first = ask("steward", steward.steward_id)
    assert first.status == 201, first.text
    request = first.json()
    deadline = TODAY + timedelta(days=30)
    assert (request["status"], request["deadline"]) == ("open", deadline.isoformat())
    again = ask("steward", steward.steward_id)
    assert again.status == 201 and again.json() == request
    assert again.headers["idempotent-replayed"] == "true"

    after = pump.invoke_http("GET", "/assessments/summary", headers=official, query=query)
    row, row_before = after.json()["districts"][0], before.json()["districts"][0]
    assert row["open"] == row_before["open"] + 1
    city = bearer(pump, "city_admin")
    assert pump.invoke_http("GET", "/assessments/summary", headers=city).status == 200
    street = bearer(pump, "street_official", elder.street_id)
    assert (
        pump.invoke_http("GET", "/assessments/summary", headers=street, query=query).status == 403
    )
