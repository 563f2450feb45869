"""Inspections end to end on the local stack: the inspection planner schedule -> SQS district
jobs -> the fleet solver handler -> routes; an inspector fetches the route over HTTP, posts a
result (rectification items open tickets exactly once, the next due date advances), and
officials read the month's progress. Duplicates, bad input and other districts are refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from careroute_synthetic.inspections import generate_inspections

from careroute.adapters.dynamodb import inspections as store
from careroute.adapters.dynamodb import tickets
from careroute.domain.errors import StorageError
from careroute.domain.inspections import InspectionWorld, TargetKind
from careroute.domain.tickets import TicketSource
from careroute.domain.vocabulary import Registry
from careroute.service_layer.inspections import load_world
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE, TODAY, bearer, china_now, load_city, nightly_tick_time
from tests.integration.api_calls import post_json

DISTRICT = "D01"
NOW = china_now().replace(microsecond=0)


@pytest.fixture(scope="module")
def planned(session_pump: EventPump, small_city: Registry) -> tuple[EventPump, InspectionWorld]:
    """The small city loaded (`load_city`), its targets and inspectors too, and tomorrow's
    inspections planned, once for this module (tests use their own keys and compare
    before/after)."""
    load_city(session_pump, small_city)
    world = generate_inspections(11, small_city.communities, as_of=TODAY)
    load_world(world, store, store)
    fan_out = session_pump.fire_schedule(
        "InspectionPlannerFunction",
        nightly_tick_time(PLAN_DATE) - timedelta(hours=1),
        overrides={"plan_date": PLAN_DATE.isoformat()},
    )
    assert fan_out["jobs"] == 1  # the small city is one district
    stats = session_pump.drain_queue("InspectionJobsQueue")
    assert stats.failed == 0 and stats.succeeded == 1
    return session_pump, world


def post_result(
    pump: EventPump, body: dict[str, Any], key: str, scope: str = DISTRICT
) -> HttpResponse:
    return post_json(pump, "/inspections/results", bearer(pump, "inspector", scope), body, key)


def institution_result(world: InspectionWorld, **changes: Any) -> dict[str, Any]:
    target = next(t for t in world.targets if t.kind is TargetKind.INSTITUTION)
    inspector = next(i for i in world.inspectors if i.skills)
    body = {
        "inspector_id": inspector.inspector_id,
        "target_id": target.target_id,
        "inspected_at": NOW.isoformat(),
        "scores": {"fire_safety": 2, "hygiene": 4, "care_quality": 4, "staffing": 3, "records": 5},
        "rectifications": [
            {
                "item": "fire_safety",
                "deadline": (NOW.date() + timedelta(days=14)).isoformat(),
                "severity": "high",
                "note": "extinguishers expired",
            }
        ],
    }
    return body | changes


def inspection_tickets(pump: EventPump) -> list[Any]:
    return [
        t
        for t in tickets.open_due_before(NOW + timedelta(days=400))
        if t.source is TicketSource.INSPECTION
    ]


def test_every_due_target_is_routed_and_the_inspector_fetches_the_route(
    planned: tuple[EventPump, InspectionWorld],
) -> None:
    pump, world = planned
    summary = store.plan_summary(DISTRICT, PLAN_DATE)
    assert summary is not None and summary["unassigned_mandatory"] == 0
    assert summary["planned"] >= summary["mandatory"]
    routed = []
    for inspector in world.inspectors:
        response = pump.invoke_http(
            "GET",
            f"/inspectors/{inspector.inspector_id}/routes/{PLAN_DATE.isoformat()}",
            headers=bearer(pump, "inspector", DISTRICT),
        )
        assert response.status == 200, response.text
        route = response.json()
        assert route["inspector_id"] == inspector.inspector_id
        kinds = {stop["kind"] for stop in route["stops"]}
        if not inspector.skills:
            assert TargetKind.INSTITUTION.value not in kinds  # only the qualified inspect those
        for stop in route["stops"]:
            start, end = stop["window"].split("-")
            assert start <= stop["start"] and stop["end"] <= end
            assert not ("12:00" <= stop["start"] < "13:00")  # lunch
        routed += [stop["target_id"] for stop in route["stops"]]
    assert len(routed) == len(set(routed)) == summary["planned"]
    due = {t.target_id for t in world.targets if t.due_date and t.due_date <= PLAN_DATE}
    assert due <= set(routed)


def test_a_route_of_another_district_is_forbidden(
    planned: tuple[EventPump, InspectionWorld],
) -> None:
    pump, world = planned
    path = f"/inspectors/{world.inspectors[0].inspector_id}/routes/{PLAN_DATE.isoformat()}"
    assert pump.invoke_http("GET", path, headers=bearer(pump, "inspector", "D02")).status == 403
    assert pump.invoke_http("GET", path, headers=bearer(pump, "steward", "W0001")).status == 403
    assert pump.invoke_http("GET", path, headers=bearer(pump, "city_admin")).status == 200


def test_a_result_opens_its_tickets_once_and_advances_the_due_date(
    planned: tuple[EventPump, InspectionWorld],
) -> None:
    pump, world = planned
    body = institution_result(world)
    before = len(inspection_tickets(pump))
    first = post_result(pump, body, "key-inspection-0001")
    assert first.status == 201, first.text
    result = first.json()
    assert result["passed"] is False and len(result["ticket_ids"]) == 1
    assert result["next_due_date"] == (NOW.date() + timedelta(days=90)).isoformat()
    assert store.get_target(body["target_id"]).due_date == NOW.date() + timedelta(days=90)
    opened = [t for t in inspection_tickets(pump) if t.ticket_id in result["ticket_ids"]]
    assert len(opened) == 1 and len(inspection_tickets(pump)) == before + 1
    assert opened[0].district_id == DISTRICT and opened[0].severity.value == "high"

    again = post_result(pump, body, "key-inspection-0001")  # the phone retries
    assert again.status == 201 and again.json() == result  # a replay answers as the first did
    assert again.headers["idempotent-replayed"] == "true"
    assert len(inspection_tickets(pump)) == before + 1
    assert store.get_target(body["target_id"]).due_date == NOW.date() + timedelta(days=90)

    other = post_result(pump, body | {"notes": "different"}, "key-inspection-0001")
    assert other.status == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scores": {"fire_safety": 9}}, "scores"),
        ({"inspected_at": "2026-12-01T09:00:00"}, "inspected_at"),
        (
            {"rectifications": [{"item": "fire_safety", "deadline": "2020-01-01"}]},
            "rectifications[0].deadline",
        ),
        (
            {"rectifications": [{"item": "roof", "deadline": "2099-01-01"}]},
            "rectifications[0].item",
        ),
        ({"target_id": "no such id!"}, "target_id"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_stores_nothing(
    planned: tuple[EventPump, InspectionWorld], change: dict[str, Any], field: str
) -> None:
    pump, world = planned
    body = institution_result(world, **change)
    due = store.get_target(institution_result(world)["target_id"]).due_date
    opened = len(inspection_tickets(pump))
    response = post_result(pump, body, "key-inspection-bad1")
    assert response.status == 422, response.text
    assert field in response.json()["error"]["message"]
    assert store.get_target(institution_result(world)["target_id"]).due_date == due
    assert len(inspection_tickets(pump)) == opened


def test_an_inspector_of_another_district_cannot_post(
    planned: tuple[EventPump, InspectionWorld],
) -> None:
    pump, world = planned
    opened = len(inspection_tickets(pump))
    response = post_result(pump, institution_result(world), "key-inspection-0002", scope="D02")
    assert response.status == 403
    assert len(inspection_tickets(pump)) == opened
    response = post_result(pump, institution_result(world), "short")
    assert response.status == 422 and "Idempotency-Key" in response.json()["error"]["message"]


def bed_result(world: InspectionWorld) -> dict[str, Any]:
    target = next(t for t in world.targets if t.kind is TargetKind.HOME_CARE_BED)
    return {
        "inspector_id": world.inspectors[-1].inspector_id,
        "target_id": target.target_id,
        "inspected_at": NOW.isoformat(),
        "scores": {"devices_online": 5, "emergency_response": 4, "bed_safety": 5, "care_plan": 4},
    }


def progress(pump: EventPump, role: str, scope: str | None, query: dict[str, str]) -> HttpResponse:
    headers = bearer(pump, role, scope)
    return pump.invoke_http("GET", "/inspections/progress", headers=headers, query=query)


def test_officials_read_the_months_progress(planned: tuple[EventPump, InspectionWorld]) -> None:
    pump, world = planned
    month = NOW.strftime("%Y-%m")
    query = {"scope": f"district:{DISTRICT}", "month": month}
    before = progress(pump, "district_official", DISTRICT, query)
    assert before.status == 200, before.text
    city_before = progress(pump, "city_admin", None, {"month": month}).json()["total"]
    posted = post_result(pump, bed_result(world), "key-inspection-0003")
    assert posted.status == 201 and posted.json()["passed"] is True
    after = progress(pump, "district_official", DISTRICT, query)
    row, row_before = after.json()["districts"][0], before.json()["districts"][0]
    assert row["done"] == row_before["done"] + 1
    assert row["due"] >= row["open"] >= row["overdue"]
    assert row["due"] == row_before["due"]  # done now instead of open: still due this month
    city = progress(pump, "city_admin", None, {"month": month})
    assert city.status == 200 and city.json()["total"]["done"] == city_before["done"] + 1
    assert progress(pump, "street_official", "S001", query).status == 403
    assert progress(pump, "district_official", "D02", query).status == 403
    assert progress(pump, "inspector", DISTRICT, {"month": month}).status == 403  # city


def test_officials_list_the_rectification_tickets_and_a_retry_after_a_crash_opens_them(
    planned: tuple[EventPump, InspectionWorld],
) -> None:
    """The result is stored, then the ticket write fails (503); the phone retries with the
    same key: the stored result is answered and its ticket opened, once."""
    pump, world = planned
    bed = [t for t in world.targets if t.kind is TargetKind.HOME_CARE_BED][1]
    deadline = (NOW.date() + timedelta(days=7)).isoformat()
    body = bed_result(world) | {
        "target_id": bed.target_id,
        "rectifications": [{"item": "devices_online", "deadline": deadline}],
    }
    with mock.patch.object(tickets, "open_once", side_effect=StorageError("down")):
        crashed = post_result(pump, body, "key-inspection-0004")
    assert crashed.status == 503
    retried = post_result(pump, body, "key-inspection-0004")
    assert retried.status == 201, retried.text
    ticket_ids = retried.json()["ticket_ids"]
    listed = pump.invoke_http(
        "GET",
        "/tickets",
        headers=bearer(pump, "district_official", DISTRICT),
        query={"scope": f"district:{DISTRICT}", "status": "open", "source": "inspection"},
    )
    assert listed.status == 200, listed.text
    rows = [r for r in listed.json()["tickets"] if r["ticket_id"] in ticket_ids]
    assert len(rows) == 1 and rows[0]["due_at"].startswith(deadline)
    assert post_result(pump, body, "key-inspection-0004").status == 201
    assert len([t for t in inspection_tickets(pump) if t.ticket_id in ticket_ids]) == 1


def institutions_read(pump: EventPump, role: str, scope: str | None, query: dict[str, str]) -> Any:
    return pump.invoke_http("GET", "/institutions", headers=bearer(pump, role, scope), query=query)


def test_an_institutions_rating_follows_its_result_and_officials_read_beds_and_stars(
    planned: tuple[EventPump, InspectionWorld],
) -> None:
    """Given the district's institutions, when an inspector records full marks and counts the
    beds of one, then GET /institutions shows it at 5 stars with the beds counted, and the
    district's sums move with it; a count with more occupied beds than beds is refused."""
    pump, world = planned
    institution = next(t for t in world.targets if t.kind is TargetKind.INSTITUTION)
    query = {"scope": f"district:{DISTRICT}"}
    before = institutions_read(pump, "district_official", DISTRICT, query)
    assert before.status == 200, before.text
    full = dict.fromkeys(("fire_safety", "hygiene", "care_quality", "staffing", "records"), 5)
    body = institution_result(world, target_id=institution.target_id, scores=full)
    bad = post_result(pump, body | {"beds": 40, "occupied_beds": 41}, "key-institution-bad")
    assert bad.status == 422 and "occupied_beds" in bad.json()["error"]["message"]
    assert institutions_read(pump, "district_official", DISTRICT, query).json() == before.json()

    counted = body | {"rectifications": [], "beds": 300, "occupied_beds": 240}
    posted = post_result(pump, counted, "key-institution-0001")
    assert posted.status == 201 and posted.json()["stars"] == 5, posted.text
    after = institutions_read(pump, "district_official", DISTRICT, query).json()
    row = next(r for r in after["institutions"] if r["target_id"] == institution.target_id)
    assert (row["stars"], row["score"], row["beds"], row["occupied_beds"]) == (5, 100, 300, 240)
    assert row["occupancy"] == 0.8
    total, total_before = after["total"], before.json()["total"]
    assert total["beds"] == total_before["beds"] - institution.beds + 300
    assert total["by_stars"][5] >= 1 and sum(total["by_stars"]) == total["institutions"]
    city = institutions_read(pump, "city_admin", None, {})
    assert city.status == 200 and city.json()["total"]["beds"] == total["beds"]
    assert institutions_read(pump, "street_official", "S001", query).status == 403
    assert institutions_read(pump, "district_official", "D02", query).status == 403
