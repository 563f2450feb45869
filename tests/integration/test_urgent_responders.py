"""Urgent responders beyond the elder's steward, end to end on the local stack: a
home-service worker takes an incident into their day (booked orders kept, re-timed,
validated), sees it in their day, acknowledges, arrives and closes it; a new order dispatched
later keeps the urgent visit; a more severe event tightens the visit's window or hands it to
someone else; a same-morning re-plan of the responder's route keeps the urgent stop."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest

from careroute.adapters.dynamodb import (
    home_services,
    plan_jobs,
    registry,
    routes,
)
from careroute.adapters.dynamodb import incidents as store
from careroute.adapters.dynamodb import orders as orders_store
from careroute.domain import clock
from careroute.domain.incidents import IncidentStatus, incident_id
from careroute.domain.orders import OrderStatus
from careroute.domain.vocabulary import CHINA_TZ, Elder, ElderStatus, Registry, parse_clock
from careroute.messages.visits import CoverItem, PlanJob
from careroute.planning.urgent_holds import urgent_stop_id
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE, bearer
from tests.integration import urgent_city
from tests.integration.api_calls import post_json
from tests.integration.market_city import with_market
from tests.integration.urgent_city import NOW, belts, event_body, send

pytestmark = pytest.mark.usefixtures("at_ten_on_the_plan_date")


@pytest.fixture(scope="module")
def pump(session_pump: EventPump, small_city: Registry) -> EventPump:
    """The small city with devices, home-service providers and the nightly plan of
    PLAN_DATE; each test uses its own elders and event ids."""
    return urgent_city.with_devices_and_plan(with_market(session_pump, small_city), small_city)


def deliver(pump: EventPump, *bodies: str) -> None:
    """Send the events and let the queue's handler take every one."""
    send(pump, *bodies)
    stats = pump.drain_queue("UrgentEventsQueue")
    assert (stats.succeeded, stats.failed) == (len(bodies), 0)


def post(pump: EventPump, path: str, auth: dict[str, str], payload: Any = None) -> HttpResponse:
    return post_json(pump, path, auth, payload or {})


def order(pump: EventPump, elder: Elder, key: str, start: str, end: str) -> str:
    """A bathing order for PLAN_DATE placed by the family and dispatched; its id."""
    body = {
        "elder_id": elder.elder_id,
        "community_id": elder.community_id,
        "service": "bathing",
        "service_date": PLAN_DATE.isoformat(),
        "window_start": start,
        "window_end": end,
        "self_paid": True,
    }
    placed = post_json(pump, "/orders", bearer(pump, "family", elder.elder_id), body, key)
    assert placed.status == 201, placed.text
    assert pump.drain_stream("OrdersTable").failed == 0
    return str(placed.json()["order_id"])


def clock_of(moment: datetime) -> int:
    """Seconds since midnight, Asia/Shanghai (as routes give their times)."""
    local = moment.astimezone(CHINA_TZ)
    return local.hour * 3600 + local.minute * 60 + local.second


def urgent_stops(steward_id: str, iid: str) -> list[dict[str, Any]]:
    route = routes.find_route(steward_id, PLAN_DATE) or {"stops": []}
    return [s for s in route["stops"] if s.get("incident_id") == iid]


def test_a_service_worker_responds_when_no_steward_is_on_shift_keeping_their_orders(
    pump: EventPump, small_city: Registry
) -> None:
    device, elder = belts(small_city)[0]
    others = [e for e in small_city.elders
              if e.status is ElderStatus.ACTIVE and e.district_id == elder.district_id
              and e.elder_id != elder.elder_id][:3]  # fmt: skip
    booked = [order(pump, e, f"urgent-order-{n}", "10:30", "16:00") for n, e in enumerate(others)]
    for oid in booked:  # the workers accept what they were given
        taken, _ = orders_store.get_order(oid)
        accepted = post(pump, f"/orders/{oid}/accept", bearer(pump, "worker", taken.worker_id))
        assert accepted.status == 200, accepted.text
    for steward in small_city.stewards:  # every steward is away today: only workers respond
        registry.set_leave(steward.steward_id, [PLAN_DATE])
    try:
        deliver(pump, event_body("wk-fall-1", device.device_id, "fall_detected", NOW))
    finally:
        for steward in small_city.stewards:
            registry.set_leave(steward.steward_id, [])
    iid = incident_id("wk-fall-1")
    incident = store.get_incident(iid)
    assert incident.status is IncidentStatus.DISPATCHED
    worker, provider = incident.responder_id, incident.responder_provider_id
    assert worker.startswith("hw-") and provider == f"hp-{elder.district_id}-care"
    assert incident.eta is not None and incident.eta <= incident.arrive_due_at + timedelta(hours=3)

    plan = home_services.get_plan(provider, PLAN_DATE)
    day = dict(plan.routes[worker])
    assert list(day).count(urgent_stop_id(iid)) == 1
    [hold] = [h for h in plan.held if h.incident_id == iid]
    assert hold.worker_id == worker and hold.location == elder.location
    for oid in booked:  # every booked order stays with its worker, inside its window
        taken, _ = orders_store.get_order(oid)
        assert taken.status is OrderStatus.ACCEPTED
        start = dict(plan.routes[taken.worker_id])[oid]
        assert taken.window.start <= start and start + taken.minutes * 60 <= taken.window.end
    starts = sorted(day.values())  # the worker's day never overlaps two services
    assert starts == [s for _, s in plan.routes[worker]]

    mine = bearer(pump, "worker", worker)
    listed = pump.invoke_http("GET", f"/workers/{worker}/orders/{PLAN_DATE}", headers=mine)
    assert listed.status == 200, listed.text
    rows = [r for r in listed.json()["orders"] if r.get("incident_id") == iid]
    assert len(rows) == 1 and rows[0]["kind"] == "urgent" and rows[0]["planned_start"]
    assert "name" not in rows[0] and "address" not in rows[0]

    # a redelivered event changes nothing: one stop, same plan version
    deliver(pump, event_body("wk-fall-1", device.device_id, "fall_detected", NOW))
    again = home_services.get_plan(provider, PLAN_DATE)
    assert again.version == plan.version and again.routes == plan.routes

    # a new order dispatched afterwards re-solves the provider's day and keeps the visit
    later = next(e for e in small_city.elders if e.status is ElderStatus.ACTIVE
                 and e.district_id == elder.district_id and e not in others
                 and e.elder_id != elder.elder_id)  # fmt: skip
    order(pump, later, "urgent-order-late", "13:00", "17:00")
    after = home_services.get_plan(provider, PLAN_DATE)
    assert after.version > plan.version
    assert [h.incident_id for h in after.held if h.incident_id == iid] == [iid]
    assert urgent_stop_id(iid) in dict(after.routes[worker])
    assert hold.window.start <= dict(after.routes[worker])[urgent_stop_id(iid)] <= hold.window.end

    steward_token = bearer(pump, "steward", small_city.stewards[0].steward_id)
    assert post(pump, f"/incidents/{iid}/ack", steward_token).status == 403
    stranger = bearer(pump, "worker", "hw-nobody-01")
    assert post(pump, f"/incidents/{iid}/ack", stranger).status == 403
    seen = pump.invoke_http("GET", f"/incidents/{iid}", headers=mine)
    assert seen.status == 200 and seen.json()["responder_id"] == worker
    with clock.use(lambda: NOW + timedelta(minutes=2)):
        assert post(pump, f"/incidents/{iid}/ack", mine).json()["status"] == "acknowledged"
    with clock.use(lambda: NOW + timedelta(minutes=18)):
        assert post(pump, f"/incidents/{iid}/arrive", mine).json()["status"] == "arrived"
    with clock.use(lambda: NOW + timedelta(minutes=45)):
        closed = post(pump, f"/incidents/{iid}/close", mine, {"outcome": "resolved_on_site"})
    assert closed.status == 200 and closed.json()["status"] == "closed", closed.text
    assert post(pump, f"/incidents/{iid}/ack", mine).status == 409


def test_a_more_severe_event_after_dispatch_tightens_the_stop_on_the_route(
    pump: EventPump, small_city: Registry
) -> None:
    device, _, _, at = urgent_city.belt_of_a_free_steward(small_city, 1)
    with clock.use(lambda: at):
        deliver(
            pump, event_body("tight-1", device.device_id, "no_movement", at, payload={"hours": 8})
        )
    iid = incident_id("tight-1")
    first = store.get_incident(iid)
    assert first.status is IncidentStatus.DISPATCHED and not first.responder_provider_id
    [stop] = urgent_stops(first.responder_id, iid)
    assert parse_clock(stop["window"]["end"]) == clock_of(at) + 75 * 60  # 45 to arrive + 30

    fall_at = at + timedelta(minutes=2)
    with clock.use(lambda: fall_at):
        deliver(pump, event_body("tight-2", device.device_id, "fall_detected", fall_at))
    tightened = store.get_incident(iid)
    assert tightened.event_ids == ("tight-1", "tight-2")
    assert tightened.arrive_due_at == fall_at + timedelta(minutes=20)
    [stop] = urgent_stops(tightened.responder_id, iid)
    assert parse_clock(stop["window"]["end"]) <= clock_of(fall_at) + 50 * 60  # 20 + 30 on site
    assert parse_clock(stop["arrival"]) <= clock_of(fall_at) + 20 * 60
    assert tightened.eta is not None and tightened.eta <= tightened.arrive_due_at
    if tightened.responder_id != first.responder_id:  # handed over: nothing left behind
        assert urgent_stops(first.responder_id, iid) == []
    with clock.use(lambda: fall_at):  # redelivery: nothing moves again
        deliver(pump, event_body("tight-2", device.device_id, "fall_detected", fall_at))
    assert store.get_incident(iid).version == tightened.version


def test_a_responder_who_can_no_longer_make_it_hands_the_incident_over(
    pump: EventPump, small_city: Registry
) -> None:
    device, elder = belts(small_city)[2]
    own = registry.steward_of_community(elder.community_id)
    route = routes.find_route(own.steward_id, PLAN_DATE)
    assert route is not None
    # the moment the steward has just begun a long visit (busy for at least 25 more minutes)
    busy = next(
        s for s in route["stops"]
        if parse_clock(s["service_end"]) - parse_clock(s["service_start"]) >= 26 * 60
        and parse_clock(s["service_start"]) >= parse_clock("09:00")
    )  # fmt: skip
    start = parse_clock(busy["service_start"]) + 60
    at = datetime.combine(PLAN_DATE, datetime.min.time(), CHINA_TZ) + timedelta(seconds=start)
    with clock.use(lambda: at):
        deliver(pump, event_body("over-1", device.device_id, "device_offline", at))
    iid = incident_id("over-1")
    first = store.get_incident(iid)
    assert (first.status, first.responder_id) == (IncidentStatus.DISPATCHED, own.steward_id)
    assert len(urgent_stops(own.steward_id, iid)) == 1

    fall_at = at + timedelta(minutes=1)
    with clock.use(lambda: fall_at):
        deliver(pump, event_body("over-2", device.device_id, "fall_detected", fall_at))
    handed = store.get_incident(iid)
    assert handed.status is IncidentStatus.DISPATCHED
    assert handed.responder_id != own.steward_id
    assert urgent_stops(own.steward_id, iid) == []  # off the busy steward's route
    if handed.responder_provider_id:
        plan = home_services.get_plan(handed.responder_provider_id, PLAN_DATE)
        assert list(dict(plan.routes[handed.responder_id])).count(urgent_stop_id(iid)) == 1
    else:
        assert len(urgent_stops(handed.responder_id, iid)) == 1
    assert handed.eta is not None and handed.eta <= handed.arrive_due_at


def test_a_same_morning_cover_replan_keeps_the_urgent_stop(
    pump: EventPump, small_city: Registry
) -> None:
    # between two afternoon visits, clear of the other tests' urgent stops on the same route
    device, elder, _, at = urgent_city.belt_of_a_free_steward(small_city, 3, after="14:00")
    with clock.use(lambda: at):
        deliver(pump, event_body("keep-1", device.device_id, "fall_detected", at))
    iid = incident_id("keep-1")
    incident = store.get_incident(iid)
    responder = incident.responder_id
    assert incident.status is IncidentStatus.DISPATCHED and not incident.responder_provider_id
    [before] = urgent_stops(responder, iid)
    community = registry.get_steward(responder).community_id
    sick = next(s for s in small_city.stewards if s.community_id != community)
    cover = [
        e for e in small_city.elders
        if e.community_id == sick.community_id and e.status is ElderStatus.ACTIVE
    ][:2]  # fmt: skip
    # what cover_now sends for the responder's community when a neighbour calls in sick
    job = PlanJob(
        community_id=community,
        plan_date=PLAN_DATE,
        run_id="sick-call-test",
        cover=[CoverItem(community_id=e.community_id, elder_id=e.elder_id) for e in cover],
    )
    plan_jobs.send_plan_jobs(pump.stack.queue_url("PlanJobsQueue"), [job])
    assert pump.drain_queue("PlanJobsQueue").failed == 0
    replanned = routes.find_route(responder, PLAN_DATE)
    assert replanned is not None and replanned["run_id"] == "sick-call-test"
    [after] = urgent_stops(responder, iid)
    assert after["window"] == before["window"] and after["elder_id"] == elder.elder_id
    assert after["window"]["start"] <= after["service_start"] <= after["window"]["end"]
    assert {e.elder_id for e in cover} & {s["elder_id"] for s in replanned["stops"]
                                         + replanned["unassigned"] if s.get("cover")}  # fmt: skip
    # the incident is still the responder's, and a redelivered event finds the stop placed
    with clock.use(lambda: at):
        deliver(pump, event_body("keep-1", device.device_id, "fall_detected", at))
    assert len(urgent_stops(responder, iid)) == 1


def test_a_crash_before_a_workers_dispatch_is_recorded_resumes_without_a_second_stop(
    pump: EventPump, small_city: Registry
) -> None:
    device, elder = belts(small_city)[4]
    crash = urgent_city.CrashOnceAtDispatch("Lambda runtime killed after the plan write")
    sqs = pump.stack.client("sqs")
    text = event_body("wk-crash-1", device.device_id, "fall_detected", NOW)
    sqs.send_message(QueueUrl=pump.stack.queue_url("UrgentEventsQueue"), MessageBody=text)
    for steward in small_city.stewards:  # only workers respond
        registry.set_leave(steward.steward_id, [PLAN_DATE])
    try:
        with mock.patch.object(store, "save_step", side_effect=crash):
            stats = pump.drain_queue("UrgentEventsQueue", retry_failed_now=True)
    finally:
        for steward in small_city.stewards:
            registry.set_leave(steward.steward_id, [])
    assert crash.crashed and (stats.failed, stats.succeeded) == (1, 1)
    incident = store.get_incident(incident_id("wk-crash-1"))
    assert incident.status is IncidentStatus.DISPATCHED and incident.responder_provider_id
    assert incident.eta is not None
    plan = home_services.get_plan(incident.responder_provider_id, PLAN_DATE)
    stop_id = urgent_stop_id(incident.incident_id)
    assert sum(1 for stops in plan.routes.values() for s, _ in stops if s == stop_id) == 1
    assert [h.worker_id for h in plan.held if h.incident_id == incident.incident_id] == [
        incident.responder_id
    ]
    assert elder.district_id in incident.responder_provider_id
