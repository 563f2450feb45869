"""The small city as the urgent-event tests use it: its devices installed and PLAN_DATE's
nightly plan made, 10:00 on that day, and device events as the urgent-events queue gets them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from careroute_synthetic.devices import generate_devices

from careroute.adapters.dynamodb import devices, registry
from careroute.adapters.dynamodb import incidents as store
from careroute.domain.devices import Device, DeviceKind
from careroute.domain.incidents import Incident, IncidentStatus
from careroute.domain.vocabulary import CHINA_TZ, Elder, ElderStatus, Registry, Steward
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, TODAY, load_city, nightly_tick_time
from tests.integration.urgent_moments import just_free

NOW = datetime.combine(PLAN_DATE, datetime.min.time(), CHINA_TZ).replace(hour=10)
"""The urgent-event tests' moment: 10:00 on the planned day, stewards out on their routes."""
DEVICE_SEED = 3


def with_devices_and_plan(pump: EventPump, city: Registry) -> EventPump:
    """`pump`'s stack, `city` imported, given the city's devices and PLAN_DATE's nightly plan."""
    devices.save_devices(generate_devices(city, seed=DEVICE_SEED, installed_on=TODAY))
    pump.fire_schedule("PlannerFunction", nightly_tick_time(PLAN_DATE))
    assert pump.drain_queue("PlanJobsQueue").failed == 0
    return pump


@pytest.fixture(scope="module")
def pump(session_pump: EventPump, small_city: Registry) -> EventPump:
    """The small city loaded once for the test module (as `loaded_stack` does), with its
    devices and PLAN_DATE's nightly plan; each test uses its own elders and event ids."""
    return with_devices_and_plan(load_city(session_pump, small_city), small_city)


def belts(city: Registry) -> list[tuple[Device, Elder]]:
    """Every monitoring belt (it reports falls) among the city's devices, with its elder."""
    found = []
    by_id = {e.elder_id: e for e in city.elders}
    for device in generate_devices(city, seed=DEVICE_SEED, installed_on=TODAY):
        if device.kind is DeviceKind.MONITORING_BELT:
            elder = by_id[device.elder_id]
            assert elder.status is ElderStatus.ACTIVE
            found.append((device, elder))
    return found


def belt_of_a_free_steward(
    city: Registry, n: int, after: str = "09:30"
) -> tuple[Device, Elder, Steward, datetime]:
    """The n-th belt, its elder, the elder's own steward, and a moment on PLAN_DATE when that
    steward has just finished a visit (at or after `after`): free to go at once."""
    device, elder = belts(city)[n]
    steward = registry.steward_of_community(elder.community_id)
    return device, elder, steward, just_free(steward.steward_id, PLAN_DATE, after)


def event_body(
    event_id: str, device_id: str, kind: str = "fall_detected", at: datetime = NOW, **extra: Any
) -> str:
    """A device event as the queue's message body; `extra` adds fields (a payload, ...)."""
    fields = {"event_id": event_id, "device_id": device_id, "type": kind}
    return json.dumps({**fields, "occurred_at": at.isoformat(), **extra})


def send(pump: EventPump, *bodies: str) -> None:
    """Put events on the urgent-events queue; the next drain hands them to the handler."""
    sqs = pump.stack.client("sqs")
    for text in bodies:
        sqs.send_message(QueueUrl=pump.stack.queue_url("UrgentEventsQueue"), MessageBody=text)


class CrashOnceAtDispatch:
    """Stands in for the incident store's `save_step`: the first save of a dispatched incident
    raises (the runtime killed right there); every other save is the real one."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.crashed = False
        self._save_step = store.save_step

    def __call__(self, before: Incident, after: Incident) -> bool:
        if after.status is IncidentStatus.DISPATCHED and not self.crashed:
            self.crashed = True
            raise RuntimeError(self.reason)
        return self._save_step(before, after)
