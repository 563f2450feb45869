"""The urgent-event ports, memory against DynamoDB: incidents opened once per elder slot,
changed only over the version read, listed by responder, by month and while unacknowledged;
devices registered and looked up."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from careroute.domain.devices import Device, DeviceKind
from careroute.domain.errors import NotFoundError
from careroute.domain.incidents import (
    Incident,
    acknowledge,
)
from careroute.domain.vocabulary import CHINA_TZ
from tests.builders import an_incident
from tests.conftest import TODAY
from tests.contract.conftest import Backend
from tests.contract.order_backends import HomeServices, home_services_of

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
