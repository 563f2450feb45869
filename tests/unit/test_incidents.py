"""Urgent incidents: severity and deadlines from the policy, the merge window, escalation of
unacknowledged incidents, who responds, and the monthly figures."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from careroute.domain.incident_report import month_report
from careroute.domain.incidents import (
    EventType,
    Incident,
    IncidentOutcome,
    IncidentStatus,
    ResponderOption,
    UrgentEvent,
    UrgentPolicy,
    acknowledge,
    arrive,
    close,
    escalate,
    incident_id,
    joins,
    merge,
    open_incident,
    rank_responders,
)
from careroute.domain.percentiles import percentile
from careroute.domain.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy, parse_policy
from careroute.domain.tickets import Level
from careroute.domain.vocabulary import Severity
from careroute.messages.incidents import DeviceEvent

AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shenyang
RULES = UrgentPolicy()
WINDOW = RULES.merge_window


def event(event_id: str, kind: EventType, minutes: float = 0, elder_id: str = "E1") -> UrgentEvent:
    return UrgentEvent(event_id, "DV-1", elder_id, kind, AT + timedelta(minutes=minutes))


def opened(first: UrgentEvent) -> Incident:
    return open_incident(first, RULES.rules[first.event_type], "C1", "S1", "D1")


def test_each_event_type_gets_its_severity_and_deadlines_from_the_policy() -> None:
    fall = opened(event("e1", EventType.FALL_DETECTED))
    assert (fall.severity, fall.ack_due_at, fall.arrive_due_at) == (
        Severity.URGENT,
        AT + timedelta(minutes=3),
        AT + timedelta(minutes=20),
    )
    offline = opened(event("e2", EventType.DEVICE_OFFLINE))
    assert offline.severity is Severity.NORMAL
    assert offline.arrive_due_at == AT + timedelta(hours=4)
    assert fall.incident_id == incident_id("e1") != offline.incident_id


def test_the_urgent_table_of_the_policy_file_overrides_the_defaults_and_names_bad_keys() -> None:
    base = load_policy()
    text = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    text["urgent"] = {"merge_window_minutes": 10, "smoke_alarm": {"arrive_minutes": 8}}
    policy = parse_policy(text)
    assert policy.urgent.merge_window_minutes == 10
    assert policy.urgent.rules[EventType.SMOKE_ALARM].arrive_minutes == 8
    assert policy.urgent.rules[EventType.SMOKE_ALARM].severity is Severity.URGENT
    assert base.urgent.rules[EventType.SMOKE_ALARM].arrive_minutes == 15
    text["urgent"] = {"fall_detected": {"severity": "panic"}}
    with pytest.raises(PolicyError, match=r"urgent\.fall_detected\.severity"):
        parse_policy(text)
    text["urgent"] = {"fall_detected": {"ack_minutes": 30, "arrive_minutes": 20}}
    with pytest.raises(PolicyError, match="ack_minutes must not exceed arrive_minutes"):
        parse_policy(text)


def test_flapping_events_within_the_window_merge_and_a_later_one_does_not() -> None:
    incident = opened(event("e1", EventType.NO_MOVEMENT))
    again = event("e2", EventType.NO_MOVEMENT, minutes=29)
    assert joins(incident, again, WINDOW)
    merged = merge(incident, again, RULES.rules[again.event_type])
    assert merged.event_ids == ("e1", "e2") and merged.last_event_at == again.occurred_at
    # the window slides with the latest event
    third = event("e3", EventType.NO_MOVEMENT, minutes=58)
    assert joins(merged, third, WINDOW) and not joins(incident, third, WINDOW)
    other_elder = event("e4", EventType.NO_MOVEMENT, minutes=1, elder_id="E2")
    assert not joins(incident, other_elder, WINDOW)
    closed = replace(merged, status=IncidentStatus.CLOSED)
    assert not joins(closed, event("e5", EventType.NO_MOVEMENT, minutes=30), WINDOW)


def test_a_redelivered_event_changes_nothing() -> None:
    incident = opened(event("e1", EventType.ONE_KEY_CALL))
    assert (
        merge(incident, event("e1", EventType.ONE_KEY_CALL), RULES.rules[EventType.ONE_KEY_CALL])
        is incident
    )


def test_a_more_severe_event_raises_severity_and_brings_deadlines_forward_never_back() -> None:
    incident = opened(event("e1", EventType.NO_MOVEMENT))  # high: ack 10, arrive 45
    fall = event("e2", EventType.FALL_DETECTED, minutes=5)  # urgent: ack 3, arrive 20
    merged = merge(incident, fall, RULES.rules[EventType.FALL_DETECTED])
    assert (merged.severity, merged.event_type) == (Severity.URGENT, EventType.FALL_DETECTED)
    assert merged.ack_due_at == AT + timedelta(minutes=8)
    assert merged.arrive_due_at == AT + timedelta(minutes=25)
    offline = event("e3", EventType.DEVICE_OFFLINE, minutes=6)
    later = merge(merged, offline, RULES.rules[EventType.DEVICE_OFFLINE])
    assert (later.severity, later.ack_due_at) == (Severity.URGENT, merged.ack_due_at)


def test_the_own_steward_responds_when_close_enough_else_the_nearest() -> None:
    own_far = ResponderOption("W1", "C1", 1500, own=True)
    near = ResponderOption("W2", "C2", 600, own=False)
    nearer = ResponderOption("W3", "C3", 300, own=False)
    reach = 20 * 60
    assert [o.steward_id for o in rank_responders([near, own_far, nearer], reach)] == [
        "W3",
        "W2",
        "W1",
    ]
    own_close = replace(own_far, travel_seconds=900)
    assert [o.steward_id for o in rank_responders([near, own_close, nearer], reach)] == [
        "W1",
        "W3",
        "W2",
    ]
    assert rank_responders([], reach) == []


def test_tracking_goes_dispatched_ack_arrive_close_and_refuses_steps_out_of_order() -> None:
    incident = replace(
        opened(event("e1", EventType.FALL_DETECTED)), status=IncidentStatus.DISPATCHED
    )
    with pytest.raises(ValueError, match="cannot close an incident that is dispatched"):
        close(incident, AT, IncidentOutcome.FALSE_ALARM)
    acked = acknowledge(incident, AT + timedelta(minutes=1))
    with pytest.raises(ValueError, match="cannot acknowledge"):
        acknowledge(acked, AT)
    there = arrive(acked, AT + timedelta(minutes=12))
    done = close(there, AT + timedelta(minutes=40), IncidentOutcome.ESCORTED_TO_HOSPITAL)
    assert (done.status, done.outcome) == (
        IncidentStatus.CLOSED,
        IncidentOutcome.ESCORTED_TO_HOSPITAL,
    )
    # arriving without tapping "ack" counts as acknowledged at arrival
    direct = arrive(incident, AT + timedelta(minutes=9))
    assert direct.acknowledged_at == direct.arrived_at


def test_an_unacknowledged_incident_climbs_one_level_per_ack_period_and_never_back() -> None:
    incident = replace(
        opened(event("e1", EventType.FALL_DETECTED)), status=IncidentStatus.DISPATCHED
    )
    assert escalate(incident, AT + timedelta(minutes=3)) is incident  # due, not yet over
    street = escalate(incident, AT + timedelta(minutes=4))
    assert street.level is Level.STREET
    district = escalate(street, AT + timedelta(minutes=6, seconds=1))
    assert district.level is Level.DISTRICT
    assert escalate(district, AT + timedelta(hours=5)).level is Level.DISTRICT
    acked = acknowledge(incident, AT + timedelta(minutes=2))
    assert escalate(acked, AT + timedelta(hours=1)) is acked
    nobody = replace(opened(event("e2", EventType.FALL_DETECTED)), dispatch_note="no steward")
    assert escalate(nobody, AT).level is Level.STREET


def test_the_month_report_counts_types_percentiles_and_misses() -> None:
    base = replace(opened(event("e1", EventType.FALL_DETECTED)), status=IncidentStatus.CLOSED)
    on_time = replace(
        base,
        acknowledged_at=AT + timedelta(minutes=2),
        arrived_at=AT + timedelta(minutes=10),
        closed_at=AT + timedelta(minutes=50),
    )
    late = replace(
        base,
        incident_id="in-late",
        event_ids=("a", "b", "c"),
        acknowledged_at=AT + timedelta(minutes=5),
        arrived_at=AT + timedelta(minutes=30),
    )
    waiting = replace(opened(event("e9", EventType.ONE_KEY_CALL)), status=IncidentStatus.DISPATCHED)
    other_month = replace(base, incident_id="in-old", opened_at=AT - timedelta(days=40))
    report = month_report(
        "2026-12", "city", [on_time, late, waiting, other_month], AT + timedelta(hours=2)
    )
    assert report.total.incidents == 3 and report.total.events == 5
    assert report.total.ack_misses == 2  # the late one and the one still waiting
    assert report.total.arrive_misses == 2
    falls = report.by_type[EventType.FALL_DETECTED]
    assert (falls.ack_minutes_p50, falls.ack_minutes_p90) == (2.0, 5.0)
    assert (falls.arrive_minutes_p50, falls.arrive_minutes_p90) == (10.0, 30.0)
    assert report.by_type[EventType.ONE_KEY_CALL].acknowledged == 0
    assert percentile([], 0.5) is None
    assert percentile([float(v) for v in range(1, 11)], 0.9) == 9.0


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"type": "no_movement"}, "payload.hours"),
        ({"type": "no_movement", "payload": {"hours": 0}}, "payload.hours"),
        ({"occurred_at": "2026-12-01T10:00:00"}, "occurred_at"),
        ({"type": "earthquake"}, "type"),
        ({"colour": "red"}, "colour"),
        ({"device_id": "DV 1"}, "device_id"),
        ({"schema_version": 2}, "schema_version"),
    ],
)
def test_the_event_schema_names_what_is_wrong(change: dict[str, object], named: str) -> None:
    good = {
        "event_id": "e-1",
        "device_id": "DV-E1-1",
        "type": "fall_detected",
        "occurred_at": "2026-12-01T10:00:00+08:00",
    }
    assert DeviceEvent.model_validate(good).type is EventType.FALL_DETECTED
    with pytest.raises(ValidationError, match=named.replace(".", r"[.\w ]*")):
        DeviceEvent.model_validate({**good, **change})
