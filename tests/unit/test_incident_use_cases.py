"""Urgent events and incidents on the memory adapters: an event validated, merged and put on
the best responder's day once (a redelivery changes nothing), bad events rejected with their
reason, the responder's steps, who reads what, and the minute escalator when nobody can go."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from careroute.adapters import memory, memory_incidents
from careroute.domain.access import Caller, Role
from careroute.domain.devices import Device, DeviceKind, call_centre_id
from careroute.domain.errors import ForbiddenError
from careroute.domain.incidents import IncidentOutcome, IncidentStatus
from careroute.domain.tickets import Level
from careroute.service_layer.incident_tracking import (
    acknowledge_incident,
    arrive_at_incident,
    close_incident,
    incident_report,
    read_incident,
    responder_incidents,
    scope_incidents,
)
from careroute.service_layer.incidents import (
    NO_RESPONDER,
    EventRejected,
    IncidentHandling,
    escalate_unacknowledged,
    receive,
)
from tests.builders import an_elder
from tests.unit.urgent_day import DAY, POLICY, TEN, a_community, a_steward, memory_responding

STEWARD = Caller("steward-sub", Role.STEWARD, "W1")
MONTH = "2026-12"


@pytest.fixture
def ports() -> IncidentHandling:
    """Elder E1 of community C1 (street S1, district D1) with a monitoring belt, C1's call
    centre, steward W1 of C1 and W2 of a neighbouring C2; no home-service providers."""
    communities, stewards = memory.MemoryCommunities(), memory.MemoryStewards()
    communities.save_communities([a_community("C1", 41.8), a_community("C2", 41.805)])
    stewards.save_stewards([a_steward("W1", "C1"), a_steward("W2", "C2")])
    elders = memory.MemoryElders()
    elders.save_elders([an_elder()])
    handling = IncidentHandling(
        incidents=memory_incidents.MemoryIncidents(),
        devices=memory_incidents.MemoryDevices(),
        elders=elders,
        stewards=stewards,
        scopes=memory.MemoryScopes(communities),
        responding=memory_responding(communities, stewards),
    )
    installed = date(2026, 1, 5)
    handling.devices.save_devices(
        [
            Device("BELT-1", DeviceKind.MONITORING_BELT, "C1", "E1", installed),
            Device(call_centre_id("C1"), DeviceKind.CALL_CENTRE, "C1", "", installed),
        ]
    )
    return handling


def body(event_id: str, device_id: str = "BELT-1", at: datetime = TEN, **extra: str) -> str:
    fields = {"event_id": event_id, "device_id": device_id, "type": "fall_detected"}
    return json.dumps({**fields, "occurred_at": at.isoformat(), **extra})


def urgent_stops(ports: IncidentHandling, steward_id: str) -> list[str]:
    route = ports.responding.routes.find_route(steward_id, DAY)
    return [s["incident_id"] for s in route["stops"] if s.get("incident_id")] if route else []


def test_a_fall_is_put_on_the_own_steward_route_once_even_when_redelivered(
    ports: IncidentHandling,
) -> None:
    incident = receive(body("fall-1"), TEN, POLICY, ports)
    assert (incident.status, incident.responder_id) == (IncidentStatus.DISPATCHED, "W1")
    again = receive(body("fall-1"), TEN + timedelta(seconds=30), POLICY, ports)
    assert (again.incident_id, again.event_count) == (incident.incident_id, 1)
    assert urgent_stops(ports, "W1") == [incident.incident_id]
    assert responder_incidents(STEWARD, "W1", True, ports) == [again]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (body("x-1", device_id="NOPE"), "unknown_device"),
        (body("x-2", device_id=call_centre_id("C1")), "malformed"),  # whom for?
        (body("x-3", elder_ref="E2"), "elder_mismatch"),
        (body("x-4", device_id=call_centre_id("C1"), elder_ref="E9"), "unknown_elder"),
        (body("x-5", at=TEN + timedelta(hours=1)), "malformed"),  # in the future
        ("{not json", "malformed"),
    ],
)
def test_an_event_that_can_never_be_handled_is_rejected_with_its_reason(
    ports: IncidentHandling, text: str, reason: str
) -> None:
    with pytest.raises(EventRejected) as rejected:
        receive(text, TEN, POLICY, ports)
    assert rejected.value.reason == reason
    assert list(ports.incidents.of_month(MONTH)) == []


def test_the_responder_acknowledges_arrives_and_closes_and_nobody_else_may(
    ports: IncidentHandling,
) -> None:
    incident = receive(body("fall-1"), TEN, POLICY, ports)
    other = Caller("other-sub", Role.STEWARD, "W2")
    with pytest.raises(ForbiddenError):
        acknowledge_incident(other, incident.incident_id, TEN, ports)
    minute = timedelta(minutes=1)
    acked = acknowledge_incident(STEWARD, incident.incident_id, TEN + minute, ports)
    arrived = arrive_at_incident(STEWARD, incident.incident_id, TEN + 10 * minute, ports)
    closed = close_incident(
        STEWARD, incident.incident_id, IncidentOutcome.RESOLVED_ON_SITE, TEN + 30 * minute, ports
    )
    assert [acked.status, arrived.status, closed.status] == [
        IncidentStatus.ACKNOWLEDGED,
        IncidentStatus.ARRIVED,
        IncidentStatus.CLOSED,
    ]
    assert responder_incidents(STEWARD, "W1", True, ports) == []
    assert responder_incidents(STEWARD, "W1", False, ports) == [closed]


def test_officials_read_the_incidents_of_their_scope_only(ports: IncidentHandling) -> None:
    incident = receive(body("fall-1"), TEN, POLICY, ports)
    street = Caller("official-sub", Role.STREET_OFFICIAL, "S1")
    assert read_incident(street, incident.incident_id, ports) == incident
    assert scope_incidents(street, "street:S1", MONTH, True, ports) == [incident]
    assert responder_incidents(street, "W1", True, ports) == [incident]
    report = incident_report(street, MONTH, "street:S1", TEN + timedelta(hours=1), ports)
    assert (report.scope, report.total.incidents, report.total.acknowledged) == ("street:S1", 1, 0)
    elsewhere = Caller("official-sub", Role.STREET_OFFICIAL, "S2")
    with pytest.raises(ForbiddenError):
        read_incident(elsewhere, incident.incident_id, ports)
    with pytest.raises(ForbiddenError):
        scope_incidents(elsewhere, "street:S1", MONTH, True, ports)


def test_with_nobody_on_shift_the_incident_waits_and_climbs_while_unacknowledged(
    ports: IncidentHandling,
) -> None:
    night = TEN.replace(hour=21)
    incident = receive(body("fall-1", at=night), night, POLICY, ports)
    assert (incident.status, incident.dispatch_note) == (IncidentStatus.NEW, NO_RESPONDER)
    run = escalate_unacknowledged(night + timedelta(hours=2), POLICY, ports)
    assert (run.redispatched, run.escalated) == (0, 1)
    raised = ports.incidents.get_incident(incident.incident_id)
    assert raised.level is not Level.STEWARD and raised.status is IncidentStatus.NEW
    again = escalate_unacknowledged(night + timedelta(hours=2), POLICY, ports)
    assert (again.redispatched, again.escalated) == (0, 0)
