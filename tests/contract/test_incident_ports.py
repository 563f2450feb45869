"""The urgent-event ports, memory against DynamoDB: incidents opened once per elder slot,
changed only over the version read, listed by responder, by month and while unacknowledged;
devices registered and looked up."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from careroute_synthetic.devices import generate_devices
from careroute_synthetic.services import generate_market

from careroute.domain.access import Caller, Role
from careroute.domain.devices import Device, DeviceKind
from careroute.domain.errors import NotFoundError
from careroute.domain.incidents import Incident, acknowledge
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.service_layer.incident_tracking import acknowledge_incident
from careroute.service_layer.incidents import (
    EventRejected,
    IncidentHandling,
    escalate_unacknowledged,
    receive,
)
from tests.builders import an_incident
from tests.conftest import PLAN_DATE, TODAY
from tests.contract.conftest import Backend
from tests.contract.order_backends import HomeServices, home_services_of, told_on_both

MORNING = datetime.combine(TODAY, time(9), CHINA_TZ)


@pytest.fixture
def homes(backend: Backend) -> HomeServices:
    return home_services_of(backend)


def opened_incident(
    n: int, elder: str, opened_at: datetime, responder: str = "", ack_in: int = 5
) -> Incident:
    """Incident in-{n} of `elder`, its acknowledgement due `ack_in` minutes after opening."""
    due = opened_at + timedelta(minutes=ack_in)
    return an_incident(f"in-{n}", opened_at, responder, elder_id=elder, ack_due_at=due)


def ids(incidents: object) -> list[str]:
    return [i.incident_id for i in incidents]  # type: ignore[attr-defined]


def test_an_incident_takes_its_elder_slot_once_and_lists_under_its_responder(
    homes: HomeServices,
) -> None:
    first = opened_incident(1, "E0001", MORNING, "W01")
    later = opened_incident(2, "E0001", MORNING + timedelta(hours=1), "W01")
    elsewhere = opened_incident(3, "E0002", MORNING, "W02")
    assert homes.incidents.latest_of_elder("E0001") is None
    assert homes.incidents.open_in_slot(first, None) is True
    assert homes.incidents.open_in_slot(first, None) is False  # the slot is taken
    assert homes.incidents.open_in_slot(later, "in-other") is False  # not the slot read
    assert homes.incidents.open_in_slot(later, "in-1") is True
    assert homes.incidents.open_in_slot(elsewhere, None) is True
    assert homes.incidents.latest_of_elder("E0001") == later
    assert list(homes.incidents.of_responder("W01")) == [later, first]
    assert list(homes.incidents.of_responder("W09")) == []


def test_an_incident_is_found_by_id_and_an_unknown_one_is_not(homes: HomeServices) -> None:
    incident = opened_incident(1, "E0001", MORNING)
    assert homes.incidents.open_in_slot(incident, None) is True
    assert homes.incidents.find_incident("in-1") == incident
    assert homes.incidents.get_incident("in-1") == incident
    assert homes.incidents.find_incident("in-9") is None
    with pytest.raises(NotFoundError):
        homes.incidents.get_incident("in-9")


def test_a_step_is_stored_only_over_the_version_read(homes: HomeServices) -> None:
    incident = opened_incident(1, "E0001", MORNING, "W01")
    assert homes.incidents.open_in_slot(incident, None) is True
    acked = acknowledge(incident, MORNING + timedelta(minutes=2))
    assert homes.incidents.save_step(incident, acked) is True
    assert homes.incidents.save_step(incident, acked) is False  # version 0 is gone
    assert homes.incidents.get_incident("in-1") == replace(acked, version=1)
    stranger = opened_incident(9, "E0009", MORNING)
    assert homes.incidents.save_step(stranger, stranger) is False  # never opened


def test_a_month_lists_its_incidents_oldest_first(homes: HomeServices) -> None:
    month_start = datetime.combine(TODAY.replace(day=1), time(0, 30), CHINA_TZ)
    before = month_start - timedelta(hours=1)  # the month before, in China time
    opened = [
        opened_incident(1, "E0001", month_start + timedelta(hours=5)),
        opened_incident(2, "E0002", month_start),
        opened_incident(3, "E0003", before),
    ]
    for incident in opened:
        assert homes.incidents.open_in_slot(incident, None) is True
    assert ids(homes.incidents.of_month(TODAY.strftime("%Y-%m"))) == ["in-2", "in-1"]
    assert ids(homes.incidents.of_month(before.strftime("%Y-%m"))) == ["in-3"]


def test_the_unacknowledged_are_listed_soonest_deadline_first_until_acknowledged(
    homes: HomeServices,
) -> None:
    first = opened_incident(1, "E0001", MORNING, "W01", ack_in=10)
    second = opened_incident(2, "E0002", MORNING, "W02", ack_in=3)
    for incident in (first, second):
        assert homes.incidents.open_in_slot(incident, None) is True
    assert ids(homes.incidents.unacknowledged()) == ["in-2", "in-1"]
    assert homes.incidents.save_step(second, acknowledge(second, MORNING)) is True
    assert ids(homes.incidents.unacknowledged()) == ["in-1"]


def test_devices_are_registered_and_an_unknown_one_is_not_found(homes: HomeServices) -> None:
    belt = Device("D-1", DeviceKind.MONITORING_BELT, "C0001", "E0001", date(2026, 1, 5))
    centre = Device("CC-C0001", DeviceKind.CALL_CENTRE, "C0001", "", date(2026, 1, 5))
    assert homes.devices.save_devices([belt, centre]) == 2
    assert homes.devices.get_device("D-1") == belt
    assert homes.devices.get_device("CC-C0001") == centre
    with pytest.raises(NotFoundError, match="not registered"):
        homes.devices.get_device("D-9")


def incident_story(homes: HomeServices, city: Registry) -> dict[str, object]:
    """Belts of three elders report falls on a working morning (one twice, one redelivered),
    an unknown device reports too; the first incident's responder acknowledges it; three hours
    later the minute escalator runs. What each incident became, the rejections, and the
    escalator's counts."""
    homes.base.holding(city)
    homes.providers.save_market(generate_market(city.communities, seed=11))
    installed = generate_devices(city, seed=3, installed_on=TODAY)
    homes.devices.save_devices(installed)
    belts = [d for d in installed if d.kind is DeviceKind.MONITORING_BELT][:3]
    now = datetime.combine(PLAN_DATE, time(10), CHINA_TZ)
    policy = load_policy()

    def event(event_id: str, device_id: str, minutes: int = 0) -> str:
        at = now + timedelta(minutes=minutes)
        fields = {"event_id": event_id, "device_id": device_id, "type": "fall_detected"}
        return json.dumps({**fields, "occurred_at": at.isoformat()})

    bodies = [
        event("f-1", belts[0].device_id),
        event("f-1", belts[0].device_id),  # redelivered
        event("f-2", belts[0].device_id, minutes=1),  # joins f-1's incident
        event("f-3", belts[1].device_id),
        event("f-4", belts[2].device_id),
        event("f-5", "NO-SUCH-DEVICE"),
    ]
    handled: list[str] = []
    for text in bodies:
        try:
            handled.append(receive(text, now, policy, homes.ports(IncidentHandling)).incident_id)
        except EventRejected as exc:
            handled.append(f"rejected: {exc.reason}")
    first = homes.incidents.get_incident(handled[0])
    role = Role.WORKER if first.responder_provider_id else Role.STEWARD
    responder = Caller("responder", role, first.responder_id)
    acknowledge_incident(
        responder, first.incident_id, now + timedelta(minutes=2), homes.ports(IncidentHandling)
    )
    run = escalate_unacknowledged(now + timedelta(hours=3), policy, homes.ports(IncidentHandling))
    month = now.strftime("%Y-%m")
    return {
        "handled": handled,
        "incidents": sorted(  # opened at the same moment: in no particular order
            (i.incident_id, i.status, i.responder_id, i.level, i.event_count)
            for i in homes.incidents.of_month(month)
        ),
        "unacknowledged": sorted(i.incident_id for i in homes.incidents.unacknowledged()),
        "escalator": (run.redispatched, run.escalated),
    }


def test_the_incident_use_cases_answer_the_same_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    memory_story, dynamodb_story = told_on_both(incident_story, session_pump, small_city)
    assert memory_story == dynamodb_story
    handled = memory_story["handled"]
    assert handled[0] == handled[1] == handled[2] and handled[5] == "rejected: unknown_device"
    assert len(memory_story["incidents"]) == 3  # type: ignore[arg-type]
