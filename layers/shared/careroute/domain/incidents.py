"""Urgent incidents: a device or call-centre event becomes an incident with a severity and
response deadlines, merged with the elder's other events close in time, and tracked from
dispatch to acknowledgement, arrival and outcome (救援跟踪).

Pure: no AWS. An incident's id comes from the event that opened it, so a redelivered event
finds the incident it opened. Events for the same elder within the merge window of the
incident's latest event join it (flapping alarms, a fall and the one-key call that follows);
an event that is already in the incident changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from careroute.domain.policy_tables import check_ranges, checked, known_table, setting
from careroute.domain.stable_ids import stable_id
from careroute.domain.tickets import LEVELS, Level
from careroute.domain.vocabulary import CHINA_TZ, Severity

SEVERITY_RANK = {Severity.URGENT: 0, Severity.HIGH: 1, Severity.NORMAL: 2}
"""Lower is more severe."""


class EventType(StrEnum):
    """What a device or the call centre reports (docs/urgent-events.md)."""

    FALL_DETECTED = "fall_detected"
    ONE_KEY_CALL = "one_key_call"
    SMOKE_ALARM = "smoke_alarm"
    NO_MOVEMENT = "no_movement"
    DEVICE_OFFLINE = "device_offline"


class IncidentStatus(StrEnum):
    """The dispatch state machine; each step is one conditional write, so a redelivered event
    resumes where a crashed delivery stopped."""

    NEW = "new"
    """Opened; no responder chosen yet (or none was on shift within reach)."""
    DISPATCHING = "dispatching"
    """A responder is chosen; the visit may or may not be on their route yet."""
    DISPATCHED = "dispatched"
    """On the responder's route; the responder is notified (the API shows it)."""
    ACKNOWLEDGED = "acknowledged"
    ARRIVED = "arrived"
    CLOSED = "closed"


UNACKNOWLEDGED = frozenset(
    {IncidentStatus.NEW, IncidentStatus.DISPATCHING, IncidentStatus.DISPATCHED}
)
OPEN = UNACKNOWLEDGED | {IncidentStatus.ACKNOWLEDGED, IncidentStatus.ARRIVED}


class IncidentOutcome(StrEnum):
    """How the responder closed the incident."""

    RESOLVED_ON_SITE = "resolved_on_site"
    ESCORTED_TO_HOSPITAL = "escorted_to_hospital"
    EMERGENCY_SERVICES = "emergency_services"
    FALSE_ALARM = "false_alarm"
    DEVICE_FIXED = "device_fixed"
    NOBODY_HOME = "nobody_home"


@dataclass(frozen=True)
class UrgentRule:
    """Per event type (policy `[urgent.<type>]`): severity, minutes to acknowledge and to
    arrive after the event, minutes the responder spends on site."""

    severity: Severity
    ack_minutes: int
    arrive_minutes: int
    service_minutes: int

    def __post_init__(self) -> None:
        if min(self.ack_minutes, self.arrive_minutes, self.service_minutes) < 1:
            raise ValueError("urgent minutes must be >= 1")
        if self.ack_minutes > self.arrive_minutes:
            raise ValueError("ack_minutes must not exceed arrive_minutes")


DEFAULT_RULES: Mapping[EventType, UrgentRule] = {
    EventType.FALL_DETECTED: UrgentRule(Severity.URGENT, 3, 20, 30),
    EventType.SMOKE_ALARM: UrgentRule(Severity.URGENT, 2, 15, 20),
    EventType.ONE_KEY_CALL: UrgentRule(Severity.HIGH, 5, 30, 30),
    EventType.NO_MOVEMENT: UrgentRule(Severity.HIGH, 10, 45, 30),
    EventType.DEVICE_OFFLINE: UrgentRule(Severity.NORMAL, 60, 240, 15),
}


@dataclass(frozen=True)
class UrgentPolicy:
    """The policy's `[urgent]` table."""

    rules: Mapping[EventType, UrgentRule] = field(default_factory=lambda: dict(DEFAULT_RULES))
    merge_window_minutes: int = setting(30, low=0)
    """An event within this long of the incident's latest event joins the incident."""
    neighbours_tried: int = setting(6, low=0)
    """How many of the nearest other communities' stewards may respond."""

    def __post_init__(self) -> None:
        if set(self.rules) != set(EventType):
            raise ValueError("urgent rules must name every event type")
        check_ranges(self)

    @property
    def merge_window(self) -> timedelta:
        return timedelta(minutes=self.merge_window_minutes)


@dataclass(frozen=True)
class UrgentEvent:
    """A validated event (the queue's message, docs/urgent-events.md) with its elder."""

    event_id: str
    device_id: str
    elder_id: str
    event_type: EventType
    occurred_at: datetime

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must carry a time zone")


@dataclass(frozen=True)
class Incident:
    incident_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    event_type: EventType
    """The type of the most severe event merged (the first one on a tie)."""
    severity: Severity
    opened_at: datetime
    last_event_at: datetime
    ack_due_at: datetime
    arrive_due_at: datetime
    service_minutes: int
    event_ids: tuple[str, ...]
    status: IncidentStatus = IncidentStatus.NEW
    level: Level = Level.STEWARD
    responder_id: str = ""
    responder_community_id: str = ""
    """A steward responder's community (empty for a service worker)."""
    responder_provider_id: str = ""
    """A service worker responder's provider (empty for a steward)."""
    eta: datetime | None = None
    dispatched_at: datetime | None = None
    """When the responder was notified (the route and the incidents endpoint show it)."""
    placed_due_at: datetime | None = None
    """The arrival deadline the visit on the responder's day was placed for: a merged event
    that brings `arrive_due_at` before it makes dispatch re-time the visit."""
    acknowledged_at: datetime | None = None
    arrived_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: IncidentOutcome | None = None
    dispatch_note: str = ""
    version: int = 0
    """Bumped by every write; each write is conditional on the version read."""

    @property
    def event_count(self) -> int:
        return len(self.event_ids)

    @property
    def month(self) -> str:
        """'YYYY-MM' of the opening, in China time: the month the incident counts in."""
        return self.opened_at.astimezone(CHINA_TZ).strftime("%Y-%m")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


def incident_id(event_id: str) -> str:
    """Deterministic id of the incident an event opens."""
    return stable_id("in-", event_id)


def _deadlines(event: UrgentEvent, rule: UrgentRule) -> tuple[datetime, datetime]:
    return (
        event.occurred_at + timedelta(minutes=rule.ack_minutes),
        event.occurred_at + timedelta(minutes=rule.arrive_minutes),
    )


def open_incident(
    event: UrgentEvent,
    rule: UrgentRule,
    community_id: str,
    street_id: str,
    district_id: str,
) -> Incident:
    ack_due, arrive_due = _deadlines(event, rule)
    return Incident(
        incident_id=incident_id(event.event_id),
        elder_id=event.elder_id,
        community_id=community_id,
        street_id=street_id,
        district_id=district_id,
        event_type=event.event_type,
        severity=rule.severity,
        opened_at=event.occurred_at,
        last_event_at=event.occurred_at,
        ack_due_at=ack_due,
        arrive_due_at=arrive_due,
        service_minutes=rule.service_minutes,
        event_ids=(event.event_id,),
    )


def joins(incident: Incident, event: UrgentEvent, window: timedelta) -> bool:
    """Does `event` belong to `incident`: already in it, or the same elder's event within the
    window of the incident's events while the incident is open?"""
    if event.event_id in incident.event_ids:
        return True
    if incident.elder_id != event.elder_id or not incident.is_open:
        return False
    return incident.opened_at - window <= event.occurred_at <= incident.last_event_at + window


def merge(incident: Incident, event: UrgentEvent, rule: UrgentRule) -> Incident:
    """The incident with `event` added; a more severe event raises the severity and brings
    the deadlines forward (never back). An event already merged changes nothing."""
    if event.event_id in incident.event_ids:
        return incident
    ack_due, arrive_due = _deadlines(event, rule)
    worse = SEVERITY_RANK[rule.severity] < SEVERITY_RANK[incident.severity]
    return replace(
        incident,
        event_ids=(*incident.event_ids, event.event_id),
        last_event_at=max(incident.last_event_at, event.occurred_at),
        opened_at=min(incident.opened_at, event.occurred_at),
        severity=rule.severity if worse else incident.severity,
        event_type=event.event_type if worse else incident.event_type,
        service_minutes=max(incident.service_minutes, rule.service_minutes),
        ack_due_at=min(incident.ack_due_at, ack_due),
        arrive_due_at=min(incident.arrive_due_at, arrive_due),
    )


# ---------------------------------------------------------------------- responders


@dataclass(frozen=True)
class ResponderOption:
    """A steward or home-service worker on shift now who could respond: travel from their
    community (a worker: their provider's base) to the elder."""

    steward_id: str
    """The responder's id (a steward's or a worker's)."""
    community_id: str
    travel_seconds: int
    own: bool
    """The elder's own steward."""
    provider_id: str = ""
    """Set for a home-service worker: their provider (whose day plan holds their day)."""

    @property
    def is_worker(self) -> bool:
        return bool(self.provider_id)


def rank_responders(options: list[ResponderOption], reach_seconds: int) -> list[ResponderOption]:
    """Who to try, best first: the elder's own steward when within reach, then the nearest
    (ties by id, so the order is reproducible). Nobody is left out: a late responder is
    better than none, and the incident shows the ETA."""
    own = [o for o in options if o.own and o.travel_seconds <= reach_seconds]
    rest = sorted(
        (o for o in options if o not in own), key=lambda o: (o.travel_seconds, o.steward_id)
    )
    return own + rest


# ---------------------------------------------------------------------- tracking


def _step(incident: Incident, allowed: frozenset[IncidentStatus], what: str) -> None:
    if incident.status not in allowed:
        raise ValueError(f"cannot {what} an incident that is {incident.status.value}")


def acknowledge(incident: Incident, at: datetime) -> Incident:
    _step(incident, frozenset({IncidentStatus.DISPATCHED}), "acknowledge")
    return replace(incident, status=IncidentStatus.ACKNOWLEDGED, acknowledged_at=at)


def arrive(incident: Incident, at: datetime) -> Incident:
    """Arrival implies acknowledgement (a responder who runs without tapping 'ack')."""
    _step(
        incident,
        frozenset({IncidentStatus.DISPATCHED, IncidentStatus.ACKNOWLEDGED}),
        "record arrival at",
    )
    return replace(
        incident,
        status=IncidentStatus.ARRIVED,
        acknowledged_at=incident.acknowledged_at or at,
        arrived_at=at,
    )


def close(incident: Incident, at: datetime, outcome: IncidentOutcome) -> Incident:
    _step(incident, frozenset({IncidentStatus.ARRIVED}), "close")
    return replace(incident, status=IncidentStatus.CLOSED, closed_at=at, outcome=outcome)


def level_due(incident: Incident, now: datetime) -> Level:
    """An incident not acknowledged by its deadline moves one level up (steward -> street ->
    district) per acknowledgement period (or part of one) overdue; one that nobody could be
    dispatched to is at least at street level."""
    floor = (
        Level.STREET
        if incident.status is IncidentStatus.NEW and incident.dispatch_note
        else Level.STEWARD
    )
    if incident.status not in UNACKNOWLEDGED or now <= incident.ack_due_at:
        return floor if incident.status in UNACKNOWLEDGED else incident.level
    period = max(incident.ack_due_at - incident.opened_at, timedelta(minutes=1))
    periods = -(-(now - incident.ack_due_at) // period)  # ceiling division of timedeltas
    due = LEVELS[min(int(periods), len(LEVELS) - 1)]
    return max(due, floor, key=LEVELS.index)


def escalate(incident: Incident, now: datetime) -> Incident:
    """The incident raised to the level due at `now`; levels never go down."""
    target = level_due(incident, now)
    if LEVELS.index(target) <= LEVELS.index(incident.level):
        return incident
    return replace(incident, level=target)


# ---------------------------------------------------------------------- policy


def _minutes(table: dict[str, object], key: str, default: int, where: str) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{where}.{key}: expected a whole number of minutes >= 0")
    return value


def parse_urgent_policy(raw: object, where: str) -> UrgentPolicy:
    """The optional `[urgent]` table: merge window, neighbours tried, and per event type
    `[urgent.<type>]` severity, ack_minutes, arrive_minutes, service_minutes (each defaulted
    from DEFAULT_RULES when absent). ValueError naming the key at fault."""
    known = {"merge_window_minutes", "neighbours_tried"} | {t.value for t in EventType}
    raw = known_table(raw, known, where)
    rules: dict[EventType, UrgentRule] = {}
    for event_type, default in DEFAULT_RULES.items():
        here = f"{where}.{event_type.value}"
        keys = ("severity", "ack_minutes", "arrive_minutes", "service_minutes")
        table = known_table(raw.get(event_type.value, {}), keys, here)
        try:
            severity = Severity(table.get("severity", default.severity.value))
        except ValueError as exc:
            known_severities = ", ".join(s.value for s in Severity)
            raise ValueError(f"{here}.severity: one of {known_severities}") from exc
        values = {
            key: _minutes(table, key, getattr(default, key), here)
            for key in ("ack_minutes", "arrive_minutes", "service_minutes")
        }
        rules[event_type] = checked(UrgentRule, {"severity": severity, **values}, here)
    return UrgentPolicy(
        rules=rules,
        merge_window_minutes=_minutes(raw, "merge_window_minutes", 30, where),
        neighbours_tried=_minutes(raw, "neighbours_tried", 6, where),
    )
