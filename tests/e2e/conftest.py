"""Fixtures of the end-to-end tests in a browser: Debian's Chromium (once per test worker),
and the small city planned and served over HTTP once per module."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from careroute_synthetic.devices import generate_devices
from careroute_synthetic.inspections import generate_inspections

from benchmarks.chromium import CHROMIUM, CHROMIUM_ARGS
from careroute.adapters.dynamodb import devices, inspections
from careroute.domain.devices import DeviceKind
from careroute.domain.vocabulary import Registry
from careroute.service_layer.inspections import load_world
from careroute_local.pump import EventPump, LocalHttpServer
from tests.conftest import (
    PLAN_DATE,
    TODAY,
    china_now,
    city_snapshot_name,
    load_city,
    nightly_tick_time,
    restore_snapshot,
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium per test worker: each test opens its own context (cookies, storage and
    service workers of its own), so the modules need not launch one each."""
    if not CHROMIUM.exists():
        message = (
            "Debian's chromium is not installed (make test installs it: apt-get install chromium)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served(session_pump: EventPump, small_city: Registry) -> Iterator[tuple[EventPump, str]]:
    """The small city planned for PLAN_DATE and the HTTP API (and pages) on 127.0.0.1, once
    for the module: each test records visits for stewards of its own."""
    pump = planned_city(session_pump, small_city)
    server: LocalHttpServer
    server, url = pump.serve_http()
    try:
        yield pump, url
    finally:
        server.shutdown()


def planned_city(pump: EventPump, city: Registry) -> EventPump:
    """The city loaded, its inspection targets due, PLAN_DATE planned and two incidents open.

    The first module of a test worker plans it and keeps a snapshot of the tables (no stream
    record is left unread by then: the planner writes none); the next modules restore it, as
    `load_city` does, instead of solving the same night again."""
    snapshot = "planned-" + city_snapshot_name(city)
    if restore_snapshot(pump, snapshot):
        return pump
    load_city(pump, city)
    world = generate_inspections(11, city.communities, as_of=TODAY)  # targets due
    load_world(world, inspections, inspections)
    pump.fire_schedule("PlannerFunction", nightly_tick_time(PLAN_DATE))
    pump.drain_queue("PlanJobsQueue")
    send_urgent_events(pump, city)
    pump.stack.snapshot(snapshot)
    return pump


def send_urgent_events(pump: EventPump, city: Registry) -> None:
    """The city's devices, and a fall and a smoke alarm now: open incidents of this month
    for the dashboard's incidents panel (through the urgent-events queue's real handler)."""
    installed = generate_devices(city, seed=3, installed_on=TODAY)
    devices.save_devices(installed)
    now = china_now().replace(microsecond=0)
    sqs = pump.stack.client("sqs")
    belt = next(d for d in installed if d.kind is DeviceKind.MONITORING_BELT)
    alarm = next(
        d for d in installed if d.kind is DeviceKind.SMOKE_ALARM and d.elder_id != belt.elder_id
    )  # events of one elder merge into one incident
    for n, (device, event) in enumerate([(belt, "fall_detected"), (alarm, "smoke_alarm")]):
        body = {"event_id": f"web-{n}", "device_id": device.device_id, "type": event,
                "occurred_at": (now - timedelta(minutes=5)).isoformat()}  # fmt: skip
        queue = pump.stack.queue_url("UrgentEventsQueue")
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body))
    assert pump.drain_queue("UrgentEventsQueue").failed == 0
