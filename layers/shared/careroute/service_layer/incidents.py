"""Urgent events -> incidents -> the best responder's route, and tracking to closure.

Intake (the urgent-events queue): validate the event (schema, registered device, what the
device may report, the elder), merge it into the elder's open incident or open one, then run
the dispatch state machine: NEW -> DISPATCHING (responder chosen, written first) ->
DISPATCHED (the visit is on the responder's route). Every step is a conditional write, and
every step can be repeated: a redelivered event after a crash finds the incident where the
crash left it and carries on (the route already holding the visit counts as done).

The minute escalator dispatches again what is stalled and raises incidents not acknowledged
in time. Tracking (the incidents API: the responder acknowledges, arrives, closes with an
outcome) is `incident_tracking`, which does not load the dispatch.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from pydantic import ValidationError as PydanticValidationError

from careroute.domain import clock
from careroute.domain.devices import DeviceKind
from careroute.domain.errors import ConflictError, NotFoundError, ValidationError
from careroute.domain.incidents import (
    Incident,
    IncidentStatus,
    ResponderOption,
    UrgentEvent,
    UrgentPolicy,
    escalate,
    incident_id,
    joins,
    merge,
    open_incident,
    rank_responders,
)
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import CHINA_TZ, Elder, china_date
from careroute.messages.incidents import DeviceEvent
from careroute.planning.provider_day import DayPlan
from careroute.service_layer.incident_ports import ATTEMPTS
from careroute.service_layer.incident_ports import IncidentHandling as IncidentHandling
from careroute.service_layer.notifications import Told, tell_incident
from careroute.service_layer.ports import IncidentRepository
from careroute.service_layer.responders import (
    RoutePlan,
    day_end_seconds,
    placed_stop,
    plan_visit,
    responder_options,
    take_off,
)

NO_RESPONDER = "no steward or service worker on shift can reach the elder today"
CLOCK_SKEW = timedelta(minutes=5)
LATE_PASSES = (15 * 60, 3600, 3 * 3600)
"""When no responder can arrive by the deadline (busy, far, or the deadline passed before
the event arrived), the three best may arrive this much later in turn (a late responder is
better than none; the ETA shows it and the report counts the miss)."""
"""A device clock may run this far ahead; a later occurred_at is rejected as malformed."""


class EventRejected(ValidationError):
    """An event that can never be processed; it goes to the DLQ with `reason`."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# ---------------------------------------------------------------------- validation


def _problems(exc: PydanticValidationError) -> str:
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        return "body is not valid JSON"
    return "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())) or 'body'}: {e.get('msg', 'invalid')}"
        for e in exc.errors()
    )


def validated(body: str, now: datetime, ports: IncidentHandling) -> tuple[UrgentEvent, Elder]:
    """The event and its elder; EventRejected with a reason otherwise."""
    try:
        message = DeviceEvent.model_validate_json(body)
    except PydanticValidationError as exc:
        raise EventRejected("malformed", _problems(exc)) from exc
    if message.occurred_at > now + CLOCK_SKEW:
        raise EventRejected("malformed", "occurred_at: in the future")
    try:
        device = ports.devices.get_device(message.device_id)
    except NotFoundError as exc:
        raise EventRejected("unknown_device", str(exc)) from exc
    if not device.reports(message.type):
        raise EventRejected(
            "unsupported_type", f"a {device.kind.value} cannot report {message.type.value}"
        )
    if device.kind is DeviceKind.CALL_CENTRE:
        if not message.elder_ref:
            raise EventRejected("malformed", "elder_ref: required from a call centre")
        elder_id = message.elder_ref
    else:
        if message.elder_ref and message.elder_ref != device.elder_id:
            raise EventRejected("elder_mismatch", f"device {device.device_id} is not this elder's")
        elder_id = device.elder_id
    try:
        elder = ports.elders.get_elder(device.community_id, elder_id)
    except NotFoundError as exc:
        raise EventRejected("unknown_elder", str(exc)) from exc
    event = UrgentEvent(
        message.event_id, message.device_id, elder_id, message.type, message.occurred_at
    )
    return event, elder


# ---------------------------------------------------------------------- merge


def open_or_join(
    event: UrgentEvent, elder: Elder, rules: UrgentPolicy, incidents: IncidentRepository
) -> Incident:
    """The incident the event belongs to, stored: the elder's open incident when the event
    falls in its merge window, else a new one. Concurrent deliveries race on one slot per
    elder; the loser re-reads and joins the winner."""
    rule = rules.rules[event.event_type]
    for _ in range(ATTEMPTS):
        latest = incidents.latest_of_elder(event.elder_id)
        current = latest
        if latest is None or not joins(latest, event, rules.merge_window):
            # a redelivery whose incident is no longer the elder's latest finds it by id
            current = incidents.find_incident(incident_id(event.event_id)) or latest
        if current is not None and joins(current, event, rules.merge_window):
            merged = merge(current, event, rule)
            if merged is current:
                return current
            if incidents.save_step(current, merged):
                return replace(merged, version=current.version + 1)
            continue
        fresh = open_incident(event, rule, elder.community_id, elder.street_id, elder.district_id)
        if incidents.open_in_slot(fresh, latest.incident_id if latest else None):
            return fresh
    raise ConflictError(f"incident for event {event.event_id}: too many concurrent writers")


# ---------------------------------------------------------------------- dispatch


def dispatch(
    incident: Incident, elder: Elder, now: datetime, policy: Policy, ports: IncidentHandling
) -> Incident:
    """Drive the incident to DISPATCHED (or leave it NEW with a note when nobody can
    respond); resumes from whatever state a previous delivery reached. A dispatched incident
    whose deadline a more severe event brought forward is re-timed on its responder's day,
    or handed to someone else when the responder can no longer make it."""
    plan: RoutePlan | None = None
    for _ in range(ATTEMPTS):
        if incident.status in (IncidentStatus.DISPATCHED, IncidentStatus.ACKNOWLEDGED):
            kept = _keep_deadline(incident, elder, now, policy, ports)
            if kept is None:
                incident = ports.incidents.get_incident(incident.incident_id)
                continue
            incident = kept
        if incident.status is IncidentStatus.NEW:
            incident, plan = _choose(incident, elder, now, policy, ports)
            if incident.status is IncidentStatus.NEW:
                return incident
        if incident.status is not IncidentStatus.DISPATCHING:
            return incident
        if plan is not None and plan.responder_id != incident.responder_id:
            plan = None  # another delivery chose someone else meanwhile
        placed = _place(incident, elder, now, policy, plan, ports)
        if placed is not None:
            return placed
        plan = None
        incident = ports.incidents.get_incident(incident.incident_id)
    raise ConflictError(f"incident {incident.incident_id}: dispatch kept conflicting")


def _choose(
    incident: Incident, elder: Elder, now: datetime, policy: Policy, ports: IncidentHandling
) -> tuple[Incident, RoutePlan | None]:
    """Write the choice of responder first (DISPATCHING): a crash after the route is changed
    then resumes with the same responder instead of putting the visit on a second route."""
    reach = int((incident.arrive_due_at - now).total_seconds())
    ranked = rank_responders(responder_options(elder, now, policy, ports.responding), reach)
    tries = [(o, 0) for o in ranked] + [(o, late) for late in LATE_PASSES for o in ranked[:3]]
    plans: dict[str, DayPlan] = {}  # providers' days, read once for all their workers
    for option, late in tries:
        plan = plan_visit(option, incident, elder, now, policy, ports.responding, late, plans)
        if plan is None:
            continue
        chosen = replace(
            incident,
            status=IncidentStatus.DISPATCHING,
            responder_id=option.steward_id,
            responder_community_id=option.community_id,
            responder_provider_id=option.provider_id,
            dispatch_note="",
        )
        return _saved(incident, chosen, ports.incidents), plan
    if incident.dispatch_note == NO_RESPONDER:
        return incident, None
    unanswered = escalate(replace(incident, dispatch_note=NO_RESPONDER), now)
    return _saved(incident, unanswered, ports.incidents), None


def _saved(before: Incident, after: Incident, incidents: IncidentRepository) -> Incident:
    if incidents.save_step(before, after):
        return replace(after, version=before.version + 1)
    return incidents.get_incident(before.incident_id)


def _responder(incident: Incident) -> ResponderOption:
    return ResponderOption(
        incident.responder_id,
        incident.responder_community_id,
        0,
        False,
        incident.responder_provider_id,
    )


def _undispatched(incident: Incident) -> Incident:
    return replace(
        incident,
        status=IncidentStatus.NEW,
        responder_id="",
        responder_community_id="",
        responder_provider_id="",
        eta=None,
        dispatched_at=None,
        placed_due_at=None,
    )


def _place(
    incident: Incident,
    elder: Elder,
    now: datetime,
    policy: Policy,
    plan: RoutePlan | None,
    ports: IncidentHandling,
) -> Incident | None:
    """Put the visit on the chosen responder's day (unless a crashed delivery did already)
    and mark the incident DISPATCHED; None when a concurrent write means: read again."""
    day = china_date(now)
    if plan is None:
        placed = placed_stop(incident, now, ports.responding)
        if placed is not None:
            return _notified(incident, _at(day, placed.arrival), ports.incidents)
        plan = plan_visit(_responder(incident), incident, elder, now, policy, ports.responding)
    if plan is None:  # the day moved on since the choice: choose again
        ports.incidents.save_step(incident, _undispatched(incident))
        return None
    if not plan.store():
        return None
    return _notified(incident, _at(day, plan.eta), ports.incidents)


def _keep_deadline(
    incident: Incident, elder: Elder, now: datetime, policy: Policy, ports: IncidentHandling
) -> Incident | None:
    """A dispatched incident's stop must keep the incident's deadline when a merged event
    brought it forward: re-time the responder's day when the stop's window runs past it;
    when the responder can no longer make it, take the stop off and make the incident NEW
    (dispatch chooses again). An acknowledged responder is on the way: they keep it, late if
    need be. None: a concurrent write, read again."""
    placed_for = incident.placed_due_at
    if placed_for is not None and incident.arrive_due_at >= placed_for:
        return incident  # the deadline the visit was placed for still holds
    day = china_date(now)
    placed = placed_stop(incident, now, ports.responding)
    if placed is None:
        if incident.status is IncidentStatus.DISPATCHED:  # taken off, not yet handed over
            return _saved(incident, _undispatched(incident), ports.incidents)
        return incident
    due = day_end_seconds(incident.arrive_due_at, day) + incident.service_minutes * 60
    kept = replace(incident, placed_due_at=incident.arrive_due_at)
    if placed.started or placed.window_end <= due:
        return kept if kept == incident else _saved(incident, kept, ports.incidents)
    acknowledged = incident.status is IncidentStatus.ACKNOWLEDGED
    for late in (0, *LATE_PASSES) if acknowledged else (0,):
        responder = _responder(incident)
        plan = plan_visit(responder, incident, elder, now, policy, ports.responding, late)
        if plan is not None:
            if not plan.store():
                return None
            return _saved(incident, replace(kept, eta=_at(day, plan.eta)), ports.incidents)
    if acknowledged:
        return _saved(incident, kept, ports.incidents)
    if not take_off(incident, now, ports.responding):
        return None
    return _saved(incident, _undispatched(incident), ports.incidents)


def _notified(incident: Incident, eta: datetime, incidents: IncidentRepository) -> Incident:
    """DISPATCHED: the visit is on the route, so the responder's app shows it from now."""
    done = replace(
        incident,
        status=IncidentStatus.DISPATCHED,
        dispatched_at=clock.now(),
        eta=eta,
        placed_due_at=incident.arrive_due_at,
    )
    return _saved(incident, done, incidents)


def _at(day: date, seconds: int) -> datetime:
    midnight = datetime.combine(day, datetime.min.time(), CHINA_TZ)
    return midnight + timedelta(seconds=seconds)


def receive(body: str, now: datetime, policy: Policy, ports: IncidentHandling) -> Incident:
    """One queue message: validated, merged, dispatched. EventRejected for a bad event."""
    event, elder = validated(body, now, ports)
    incident = open_or_join(event, elder, policy.urgent, ports.incidents)
    incident = dispatch(incident, elder, now, policy, ports)
    if ports.notices is not None:  # a redelivery tells nobody twice (the log keeps each once)
        tell_incident(incident, now, ports.notices)
    return incident


# ---------------------------------------------------------------------- the minute tick


STALLED_AFTER = timedelta(minutes=1)
"""An incident still NEW or DISPATCHING this long after its latest event was left by a
crashed or dead-lettered delivery, or found nobody on shift: the minute tick tries again."""


@dataclass(frozen=True)
class MinuteRun:
    redispatched: int
    escalated: int
    told: Told = field(default_factory=Told)
    """Notices of dispatches and escalations sent (or failed) by this run."""


def escalate_unacknowledged(now: datetime, policy: Policy, ports: IncidentHandling) -> MinuteRun:
    """Every minute: dispatch again what is stalled (nothing is lost when every delivery of
    an event crashed), then raise every unacknowledged incident to the level due at `now`.
    Every write is conditional on the version read, so overlapping runs act once."""
    redispatched = escalated = 0
    told = Told()
    for incident in ports.incidents.unacknowledged():
        if (
            incident.status in (IncidentStatus.NEW, IncidentStatus.DISPATCHING)
            and now - incident.last_event_at >= STALLED_AFTER
        ):
            elder = ports.elders.get_elder(incident.community_id, incident.elder_id)
            incident = dispatch(incident, elder, now, policy, ports)
            redispatched += incident.status is IncidentStatus.DISPATCHED
        after = escalate(incident, now)
        if after.level is not incident.level and ports.incidents.save_step(incident, after):
            escalated += 1
            incident = after
        if ports.notices is not None:  # told from its state: a notice lost to a crash goes now
            told.add(tell_incident(incident, now, ports.notices))
    return MinuteRun(redispatched, escalated, told)
