"""Urgent device events end to end on the local stack: the queue's real handler validates,
merges and dispatches; the responder sees the visit on today's route and in the incidents
API, acknowledges, arrives and closes; duplicates merge; bad events go to the DLQ with the
reason; a crash mid-dispatch resumes on redelivery; the minute escalator raises the
unacknowledged; the month report counts it all."""

from __future__ import annotations

import json
import threading
from datetime import UTC, timedelta
from typing import Any
from unittest import mock

import pytest

from careroute.adapters.dynamodb import incidents as store
from careroute.adapters.dynamodb import registry
from careroute.adapters.dynamodb.order_repositories import incident_handling
from careroute.domain import clock
from careroute.domain.devices import call_centre_id
from careroute.domain.incidents import Incident, IncidentStatus, incident_id
from careroute.domain.policy import load_policy
from careroute.domain.tickets import Level
from careroute.domain.vocabulary import Registry
from careroute.service_layer import incidents as service
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, bearer
from tests.integration import urgent_city
from tests.integration.api_calls import post_json
from tests.integration.planned_day import read_route
from tests.integration.urgent_city import NOW, belts, event_body, pump, send

__all__ = ["pump"]  # the module's stack: urgent_city.pump
pytestmark = pytest.mark.usefixtures("at_ten_on_the_plan_date")


def dead_letters(pump: EventPump) -> list[dict[str, Any]]:
    sqs = pump.stack.client("sqs")
    return sqs.receive_message(
        QueueUrl=pump.stack.queue_url("UrgentEventsDLQ"),
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
    ).get("Messages", [])


def route_of(pump: EventPump, steward_id: str) -> dict[str, Any]:
    response = read_route(pump, steward_id)
    assert response.status == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def stops_on_route(pump: EventPump, incident: Incident) -> int:
    """How many stops the responder's route (read over the API) has for `incident`."""
    route = route_of(pump, incident.responder_id)
    return sum(1 for s in route["stops"] if s.get("incident_id") == incident.incident_id)


def post(pump: EventPump, path: str, steward_id: str, payload: Any = None) -> Any:
    return post_json(pump, path, bearer(pump, "steward", steward_id), payload or {})


def test_a_fall_reaches_the_elders_steward_who_acks_arrives_and_closes(
    pump: EventPump, small_city: Registry
) -> None:
    device, elder, steward, at = urgent_city.belt_of_a_free_steward(small_city, 0)
    with clock.use(lambda: at):
        send(pump, event_body("fall-1", device.device_id, at=at))
        assert pump.drain_queue("UrgentEventsQueue").succeeded == 1
    iid = incident_id("fall-1")
    incident = store.get_incident(iid)
    assert (incident.status, incident.responder_id) == (
        IncidentStatus.DISPATCHED,
        steward.steward_id,
    )
    assert incident.eta is not None and incident.eta <= incident.arrive_due_at
    stops = [s for s in route_of(pump, steward.steward_id)["stops"] if s.get("incident_id") == iid]
    assert len(stops) == 1 and stops[0]["elder_id"] == elder.elder_id and stops[0]["name"]

    listed = pump.invoke_http(
        "GET", f"/stewards/{steward.steward_id}/incidents",
        headers=bearer(pump, "steward", steward.steward_id),
    )  # fmt: skip
    assert listed.status == 200, listed.text
    assert [i["incident_id"] for i in listed.json()["incidents"]] == [iid]
    assert (
        post(pump, f"/incidents/{iid}/close", steward.steward_id, {"outcome": "false_alarm"}).status
        == 409
    )
    other = small_city.stewards[-1].steward_id
    assert post(pump, f"/incidents/{iid}/ack", other).status == 403

    with clock.use(lambda: at + timedelta(minutes=2)):
        acked = post(pump, f"/incidents/{iid}/ack", steward.steward_id)
    assert acked.status == 200 and acked.json()["status"] == "acknowledged", acked.text
    with clock.use(lambda: at + timedelta(minutes=14)):
        assert post(pump, f"/incidents/{iid}/arrive", steward.steward_id).status == 200
    with clock.use(lambda: at + timedelta(minutes=50)):
        closed = post(
            pump, f"/incidents/{iid}/close", steward.steward_id, {"outcome": "escorted_to_hospital"}
        )
    assert (
        closed.json()["status"] == "closed" and closed.json()["outcome"] == "escorted_to_hospital"
    )
    assert (
        post(pump, f"/incidents/{iid}/close", steward.steward_id, {"outcome": "bogus"}).status
        == 422
    )

    report = pump.invoke_http(
        "GET", "/incident-report", headers=bearer(pump, "district_official", elder.district_id),
        query={"month": at.strftime("%Y-%m"), "scope": f"district:{elder.district_id}"},
    )  # fmt: skip
    assert report.status == 200, report.text
    falls = report.json()["by_type"]["fall_detected"]
    assert (falls["incidents"], falls["ack_minutes_p50"], falls["arrive_minutes_p90"]) == (
        1,
        2.0,
        14.0,
    )
    assert (falls["ack_misses"], falls["arrive_misses"]) == (0, 0)
    forbidden = pump.invoke_http(
        "GET", "/incident-report", headers=bearer(pump, "steward", steward.steward_id),
        query={"month": at.strftime("%Y-%m")},
    )  # fmt: skip
    assert forbidden.status == 403


def test_duplicates_and_flapping_merge_into_one_incident_even_when_concurrent(
    pump: EventPump, small_city: Registry
) -> None:
    device, elder = belts(small_city)[1]
    send(pump, event_body("nm-1", device.device_id, "no_movement", payload={"hours": 6}))
    send(pump, event_body("nm-1", device.device_id, "no_movement", payload={"hours": 6}))  # resent
    assert pump.drain_queue("UrgentEventsQueue").failed == 0
    # four more events for the elder arrive at once (concurrent deliveries)
    centre = call_centre_id(elder.community_id)
    bodies = [event_body(f"flap-{n}", device.device_id) for n in range(3)]
    bodies.append(event_body("call-1", centre, "one_key_call", elder_ref=elder.elder_id))
    policy = load_policy()
    errors: list[BaseException] = []

    def deliver(text: str) -> None:
        try:
            service.receive(text, NOW, policy, incident_handling())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(t,)) for t in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    found = [i for i in store.of_month(NOW.strftime("%Y-%m")) if i.elder_id == elder.elder_id]
    assert len(found) == 1
    incident = found[0]
    assert sorted(incident.event_ids) == sorted(["nm-1", "flap-0", "flap-1", "flap-2", "call-1"])
    assert incident.event_type.value == "fall_detected"  # the most severe event leads
    assert stops_on_route(pump, incident) == 1


def test_malformed_and_unknown_device_events_go_to_the_dlq_with_the_reason(
    pump: EventPump, small_city: Registry
) -> None:
    device, elder = belts(small_city)[0]
    send(
        pump,
        "{not json",
        event_body("x-1", "DV-NOPE-1"),
        event_body("x-2", device.device_id, "smoke_alarm"),
        json.dumps({"event_id": "x-3", "device_id": device.device_id, "type": "fall_detected"}),
        event_body("x-4", call_centre_id(elder.community_id), "one_key_call"),
    )
    stats = pump.drain_queue("UrgentEventsQueue")
    assert (stats.succeeded, stats.failed) == (5, 0)
    reasons = {
        m["MessageAttributes"]["reject_reason"]["StringValue"]: m["MessageAttributes"][
            "reject_detail"
        ]["StringValue"]
        for m in dead_letters(pump)
    }
    assert reasons.keys() == {"malformed", "unknown_device", "unsupported_type"}
    assert "DV-NOPE-1" in reasons["unknown_device"]
    assert "cannot report smoke_alarm" in reasons["unsupported_type"]
    for event_id in ("x-1", "x-2", "x-3", "x-4"):
        assert store.find_incident(incident_id(event_id)) is None


def test_a_crash_mid_dispatch_resumes_on_redelivery_without_a_second_stop(
    pump: EventPump, small_city: Registry
) -> None:
    device, _ = belts(small_city)[2]
    crash = urgent_city.CrashOnceAtDispatch("Lambda runtime killed mid-dispatch")
    send(pump, event_body("crash-1", device.device_id))
    with mock.patch.object(store, "save_step", side_effect=crash):
        stats = pump.drain_queue("UrgentEventsQueue", retry_failed_now=True)
    assert crash.crashed and stats.failed == 1 and stats.succeeded == 1
    incident = store.get_incident(incident_id("crash-1"))
    assert incident.status is IncidentStatus.DISPATCHED
    assert stops_on_route(pump, incident) == 1


def test_a_steward_on_leave_is_replaced_by_a_neighbour_and_silence_escalates(
    pump: EventPump, small_city: Registry
) -> None:
    device, elder = belts(small_city)[-1]
    others = {belts(small_city)[n][1].community_id for n in range(3)}
    assert elder.community_id not in others  # the other tests' stewards keep working
    home = registry.steward_of_community(elder.community_id)
    registry.set_leave(home.steward_id, [PLAN_DATE])
    send(pump, event_body("leave-1", device.device_id))
    assert pump.drain_queue("UrgentEventsQueue").succeeded == 1
    incident = store.get_incident(incident_id("leave-1"))
    assert incident.status is IncidentStatus.DISPATCHED
    assert incident.responder_id not in ("", home.steward_id)
    assert incident.responder_community_id != elder.community_id
    late = (NOW + timedelta(minutes=4)).astimezone(UTC)
    assert pump.fire_schedule("IncidentEscalatorFunction", late)["escalated"] >= 1  # others too
    assert pump.fire_schedule("IncidentEscalatorFunction", late)["escalated"] == 0
    assert store.get_incident(incident.incident_id).level is Level.STREET
    street = bearer(pump, "street_official", elder.street_id)
    listed = pump.invoke_http(
        "GET", "/incidents", headers=street, query={"scope": f"street:{elder.street_id}"}
    )
    assert listed.status == 200, listed.text
    rows = listed.json()["incidents"]
    assert incident.incident_id in [r["incident_id"] for r in rows]
    assert rows[0]["level"] != "steward" and all(r["street_id"] == elder.street_id for r in rows)
    other = pump.invoke_http("GET", "/incidents", headers=street, query={"scope": "city"})
    assert other.status == 403


def test_before_the_shift_nobody_responds_the_minute_tick_dispatches_when_shifts_start(
    pump: EventPump, small_city: Registry
) -> None:
    device, _ = belts(small_city)[4]
    early = NOW.replace(hour=7, minute=30)
    with clock.use(lambda: early):
        send(pump, event_body("early-1", device.device_id, at=early))
        assert pump.drain_queue("UrgentEventsQueue").succeeded == 1
    waiting = store.get_incident(incident_id("early-1"))
    assert (waiting.status, waiting.level) == (IncidentStatus.NEW, Level.STREET)
    assert waiting.dispatch_note
    with clock.use(lambda: early + timedelta(hours=1, minutes=15)):
        run = pump.fire_schedule(
            "IncidentEscalatorFunction", early + timedelta(hours=1, minutes=15)
        )
    assert run["redispatched"] >= 1
    later = store.get_incident(incident_id("early-1"))
    assert later.status is IncidentStatus.DISPATCHED and later.level is Level.DISTRICT
    assert stops_on_route(pump, later) == 1


def test_an_event_whose_every_delivery_crashed_is_dispatched_by_the_minute_tick(
    pump: EventPump, small_city: Registry
) -> None:
    device, _ = belts(small_city)[5]
    send(pump, event_body("doomed-1", device.device_id))
    with mock.patch.object(store, "save_step", side_effect=RuntimeError("crash")):
        stats = pump.drain_queue("UrgentEventsQueue", retry_failed_now=True)
    assert stats.succeeded == 0 and stats.dead_lettered == 1
    stalled = store.get_incident(incident_id("doomed-1"))
    assert stalled.status is IncidentStatus.NEW  # opened, never dispatched
    tick = NOW + timedelta(minutes=2)
    with clock.use(lambda: tick):
        assert pump.fire_schedule("IncidentEscalatorFunction", tick)["redispatched"] >= 1
    assert store.get_incident(incident_id("doomed-1")).status is IncidentStatus.DISPATCHED


def test_the_incidents_api_names_bad_input_and_keeps_scopes(
    pump: EventPump, small_city: Registry
) -> None:
    steward = small_city.stewards[0].steward_id
    own = bearer(pump, "steward", steward)
    bad_id = pump.invoke_http("GET", "/incidents/not-an-incident", headers=own)
    assert bad_id.status == 422 and bad_id.json()["error"]["code"] == "invalid_request"
    missing = pump.invoke_http("GET", f"/incidents/in-{'0' * 24}", headers=own)
    assert missing.status == 404
    month = pump.invoke_http(
        "GET", "/incident-report", headers=bearer(pump, "city_admin"), query={"month": "2026-13"}
    )
    assert month.status == 422 and "month" in month.json()["error"]["message"]
    _, fallen = belts(small_city)[0]  # the first test's responder: one closed incident
    responder = registry.steward_of_community(fallen.community_id).steward_id
    mine = bearer(pump, "steward", responder)
    path = f"/stewards/{responder}/incidents"
    current = pump.invoke_http("GET", path, headers=mine).json()["incidents"]
    every = pump.invoke_http("GET", path, headers=mine, query={"open": "false"}).json()["incidents"]
    assert {i["incident_id"] for i in current} <= {i["incident_id"] for i in every}
    assert all(i["status"] != "closed" for i in current)
    closed = {i["incident_id"] for i in every if i["status"] == "closed"}
    assert closed.isdisjoint(i["incident_id"] for i in current)
    other = pump.invoke_http(
        "GET", f"/stewards/{small_city.stewards[1].steward_id}/incidents", headers=own
    )
    assert other.status == 403
    elsewhere = pump.invoke_http(
        "GET", f"/stewards/{steward}/incidents", headers=bearer(pump, "district_official", "D99")
    )
    assert elsewhere.status == 403
