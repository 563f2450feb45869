"""Handlers' output carries no personal data through a planned day."""

from __future__ import annotations

import io

import pytest

from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import bearer, china_now
from tests.integration.api_calls import post_json
from tests.integration.planned_day import plan_the_day, read_route

MARKER = "PRIVATE-MARKER-7f3a9c"


def test_planning_reading_a_route_and_recording_a_visit_log_no_names_addresses_or_notes(
    loaded_stack: EventPump,
    small_city: Registry,
    handler_logs: io.StringIO,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Given a planned day, when a steward reads the route and records a visit with notes,
    then neither the log lines nor anything else on stdout/stderr names an elder."""
    plan_the_day(loaded_stack)
    steward = small_city.stewards[0]
    route = read_route(loaded_stack, steward.steward_id)
    assert route.status == 200
    stops = route.json()["stops"]
    assert stops
    visit = {
        "steward_id": steward.steward_id,
        "elder_id": stops[0]["elder_id"],
        "outcome": "visited",
        "visited_at": china_now().replace(microsecond=0).isoformat(),
        "notes": f"{MARKER} notes: knee pain",
        "findings": [{"category": "safety_hazard", "severity": "urgent", "note": MARKER}],
        "location": {"lat": 41.7961, "lng": 123.4012},
    }
    auth = bearer(loaded_stack, "steward", steward.steward_id)
    posted = post_json(loaded_stack, "/visits", auth, visit, key="key-privacy01")
    assert posted.status == 201
    assert loaded_stack.drain_stream("VisitsTable").failed == 0

    captured = capfd.readouterr()
    output = handler_logs.getvalue() + captured.out + captured.err
    served = {e.elder_id for e in small_city.elders} & {stop["elder_id"] for stop in stops}
    personal = [MARKER] + [
        text
        for elder in small_city.elders
        if elder.elder_id in served
        for text in (elder.name, elder.address)
    ]
    leaked = [text for text in personal if text in output]
    assert leaked == []
