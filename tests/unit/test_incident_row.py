"""An incident as the incidents API shows it: its own fields with enums as their values, its
count of events, empty texts as absent, and nothing the row does not list."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta

from careroute.domain.incidents import (
    EventType,
    Incident,
    IncidentOutcome,
    IncidentStatus,
    UrgentEvent,
    UrgentPolicy,
    acknowledge,
    arrive,
    close,
    merge,
    open_incident,
)
from careroute.messages.incidents import IncidentRow

AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
RULES = UrgentPolicy().rules


def a_fall_then_a_call() -> Incident:
    fall = UrgentEvent("e1", "BELT-1", "E1", EventType.FALL_DETECTED, AT)
    call = UrgentEvent("e2", "BELT-1", "E1", EventType.ONE_KEY_CALL, AT + timedelta(minutes=1))
    opened = open_incident(fall, RULES[fall.event_type], "C1", "S1", "D1")
    return merge(opened, call, RULES[call.event_type])


def closed_by_a_responder() -> Incident:
    dispatched = replace(
        a_fall_then_a_call(),
        status=IncidentStatus.DISPATCHED,
        responder_id="W7",
        responder_community_id="C2",
        eta=AT + timedelta(minutes=12),
        dispatched_at=AT + timedelta(minutes=2),
        dispatch_note="the neighbour's steward",
    )
    on_site = arrive(acknowledge(dispatched, AT + timedelta(minutes=3)), AT + timedelta(minutes=11))
    return close(on_site, AT + timedelta(minutes=40), IncidentOutcome.RESOLVED_ON_SITE)


def test_a_new_incident_shows_its_ids_deadlines_and_events_and_no_responder() -> None:
    incident = a_fall_then_a_call()
    row = IncidentRow.of(incident).model_dump(mode="json", exclude_none=True)
    assert row == {
        "incident_id": incident.incident_id,
        "elder_id": "E1",
        "community_id": "C1",
        "street_id": "S1",
        "district_id": "D1",
        "event_type": "fall_detected",
        "severity": incident.severity.value,
        "status": "new",
        "level": incident.level.value,
        "events": 2,
        "opened_at": "2026-12-01T02:00:00Z",
        "ack_due_at": incident.ack_due_at.isoformat().replace("+00:00", "Z"),
        "arrive_due_at": incident.arrive_due_at.isoformat().replace("+00:00", "Z"),
    }


def test_a_closed_incident_shows_its_responder_each_step_and_the_outcome() -> None:
    row = IncidentRow.of(closed_by_a_responder())
    assert (row.status, row.outcome, row.responder_id) == ("closed", "resolved_on_site", "W7")
    assert row.dispatch_note == "the neighbour's steward"
    assert (row.dispatched_at, row.acknowledged_at, row.arrived_at, row.closed_at) == (
        AT + timedelta(minutes=2),
        AT + timedelta(minutes=3),
        AT + timedelta(minutes=11),
        AT + timedelta(minutes=40),
    )
    assert row.eta == AT + timedelta(minutes=12)


def test_the_row_is_the_one_a_deep_copy_of_the_incident_gives() -> None:
    """Reading the fields as they are (no deep copy) changes no row."""
    for incident in (a_fall_then_a_call(), closed_by_a_responder()):
        deep = IncidentRow.model_validate(
            {
                **asdict(incident),
                "events": incident.event_count,
                "responder_id": incident.responder_id or None,
                "dispatch_note": incident.dispatch_note or None,
            }
        )
        assert IncidentRow.of(incident) == deep
        assert IncidentRow.of(incident).model_dump_json() == deep.model_dump_json()
