"""Urgent events -> incidents -> the best responder's route, and tracking to closure.

Intake (the urgent-events queue): validate the event (schema, registered device, what the
device may report, the elder), merge it into the elder's open incident or open one, then run
the dispatch state machine: NEW -> DISPATCHING (responder chosen, written first) ->
DISPATCHED (the visit is on the responder's route). Every step is a conditional write, and
every step can be repeated: a redelivered event after a crash finds the incident where the
crash left it and carries on (the route already holding the visit counts as done).

Tracking (the incidents API): the responder acknowledges, arrives, closes with an outcome.
The minute escalator raises incidents not acknowledged in time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from careroute import clock
from careroute.auth import Caller, Role, require_scope
from careroute.coverage import Scope, ScopeKind
from careroute.devices import DeviceKind
from careroute.domain import CHINA_TZ, Community, Elder, Steward
from careroute.due import WorkCalendar
from careroute.exceptions import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.incident_messages import DeviceEvent
from careroute.incident_report import MonthReport, month_report
from careroute.incidents import (
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
from careroute.policy import Policy
from careroute.services import bureau
from careroute.storage import devices, registry, routes
from careroute.storage import incidents as store
from careroute.storage.scopes import ancestors
from careroute.tickets import LEVELS
from careroute.travel import HaversineTravel, haversine_m
from careroute.urgent_route import Insertion, UrgentVisit, insert_urgent, on_route

ATTEMPTS = 5
"""Optimistic writes retried this often before the delivery fails (and SQS redelivers)."""
DIRECTORY_TTL_SECONDS = 60.0
NO_RESPONDER = "no steward on shift can reach the elder today"
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


def validated(body: str, now: datetime) -> tuple[UrgentEvent, Elder]:
    """The event and its elder; EventRejected with a reason otherwise."""
    try:
        message = DeviceEvent.model_validate_json(body)
    except PydanticValidationError as exc:
        raise EventRejected("malformed", _problems(exc)) from exc
    if message.occurred_at > now + CLOCK_SKEW:
        raise EventRejected("malformed", "occurred_at: in the future")
    try:
        device = devices.get_device(message.device_id)
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
        elder = registry.get_elder(device.community_id, elder_id)
    except NotFoundError as exc:
        raise EventRejected("unknown_elder", str(exc)) from exc
    event = UrgentEvent(
        message.event_id, message.device_id, elder_id, message.type, message.occurred_at
    )
    return event, elder


# ---------------------------------------------------------------------- merge


def open_or_join(event: UrgentEvent, elder: Elder, rules: UrgentPolicy) -> Incident:
    """The incident the event belongs to, stored: the elder's open incident when the event
    falls in its merge window, else a new one. Concurrent deliveries race on one slot per
    elder; the loser re-reads and joins the winner."""
    rule = rules.rules[event.event_type]
    for _ in range(ATTEMPTS):
        latest = store.latest_of_elder(event.elder_id)
        current = latest
        if latest is None or not joins(latest, event, rules.merge_window):
            # a redelivery whose incident is no longer the elder's latest finds it by id
            current = store.find_incident(incident_id(event.event_id)) or latest
        if current is not None and joins(current, event, rules.merge_window):
            merged = merge(current, event, rule)
            if merged is current:
                return current
            if store.save_step(current, merged):
                return replace(merged, version=current.version + 1)
            continue
        fresh = open_incident(event, rule, elder.community_id, elder.street_id, elder.district_id)
        if store.open_in_slot(fresh, latest.incident_id if latest else None):
            return fresh
    raise ConflictError(f"incident for event {event.event_id}: too many concurrent writers")


# ---------------------------------------------------------------------- responders


@dataclass
class _Directory:
    loaded_at: float
    communities: dict[str, Community]
    stewards: dict[str, Steward]
    """By community id."""
    holidays: frozenset[date]


_directory: list[_Directory] = []


def directory() -> _Directory:
    """Communities, stewards (with leave) and holidays, read once per container minute."""
    if not _directory or time.monotonic() - _directory[0].loaded_at > DIRECTORY_TTL_SECONDS:
        found = _Directory(
            time.monotonic(),
            {c.community_id: c for c in registry.all_communities()},
            {s.community_id: s for s in registry.all_stewards()},
            frozenset(h.date for h in bureau.holidays().holidays),
        )
        _directory[:] = [found]
    return _directory[0]


def on_shift(steward: Steward, now: datetime, holidays: frozenset[date]) -> bool:
    local = now.astimezone(CHINA_TZ)
    seconds = local.hour * 3600 + local.minute * 60
    return WorkCalendar.of(steward, holidays).works_on(local.date()) and (
        steward.shift.start <= seconds < steward.shift.end
    )


def responder_options(elder: Elder, now: datetime, policy: Policy) -> list[ResponderOption]:
    """Stewards on shift now: the elder's own and those of the nearest other communities."""
    found = directory()
    home = found.communities.get(elder.community_id)
    if home is None:
        return []
    nearest = sorted(
        (c for c in found.communities.values() if c.community_id != home.community_id),
        key=lambda c: (haversine_m(home.location, c.location), c.community_id),
    )[: policy.urgent.neighbours_tried]
    options = []
    for community in [home, *nearest]:
        steward = found.stewards.get(community.community_id)
        if steward is None or not on_shift(steward, now, found.holidays):
            continue
        travel = HaversineTravel(policy.speed_kmh[steward.mode], policy.circuity)
        options.append(
            ResponderOption(
                steward.steward_id,
                community.community_id,
                travel.seconds(community.location, elder.location),
                own=community is home,
            )
        )
    return options


@dataclass(frozen=True)
class _Plan:
    """A route change worked out for a responder: the route as read and as it will be."""

    steward_id: str
    previous: dict[str, Any] | None
    inserted: Insertion


def _plan(
    option: ResponderOption,
    incident: Incident,
    elder: Elder,
    now: datetime,
    policy: Policy,
    late_seconds: int = 0,
) -> _Plan | None:
    """The responder's route for today with the visit in it; None when it cannot fit."""
    found = directory()
    community = found.communities[option.community_id]
    steward = found.stewards[option.community_id]
    previous = routes.find_route(steward.steward_id, now.astimezone(CHINA_TZ).date())
    visit = UrgentVisit(
        incident.incident_id,
        elder,
        incident.arrive_due_at,
        incident.service_minutes * 60,
        late_seconds,
    )
    inserted = insert_urgent(previous, community, steward, visit, now, policy)
    return _Plan(steward.steward_id, previous, inserted) if inserted is not None else None


# ---------------------------------------------------------------------- dispatch


def dispatch(incident: Incident, elder: Elder, now: datetime, policy: Policy) -> Incident:
    """Drive the incident to DISPATCHED (or leave it NEW with a note when nobody can
    respond); resumes from whatever state a previous delivery reached."""
    plan: _Plan | None = None
    for _ in range(ATTEMPTS):
        if incident.status is IncidentStatus.NEW:
            incident, plan = _choose(incident, elder, now, policy)
            if incident.status is IncidentStatus.NEW:
                return incident
        if incident.status is not IncidentStatus.DISPATCHING:
            return incident
        if plan is not None and plan.steward_id != incident.responder_id:
            plan = None  # another delivery chose someone else meanwhile
        placed = _place(incident, elder, now, policy, plan)
        if placed is not None:
            return placed
        plan = None
        incident = store.get_incident(incident.incident_id)
    raise ConflictError(f"incident {incident.incident_id}: dispatch kept conflicting")


def _choose(
    incident: Incident, elder: Elder, now: datetime, policy: Policy
) -> tuple[Incident, _Plan | None]:
    """Write the choice of responder first (DISPATCHING): a crash after the route is changed
    then resumes with the same responder instead of putting the visit on a second route."""
    reach = int((incident.arrive_due_at - now).total_seconds())
    ranked = rank_responders(responder_options(elder, now, policy), reach)
    tries = [(o, 0) for o in ranked] + [(o, late) for late in LATE_PASSES for o in ranked[:3]]
    for option, late in tries:
        plan = _plan(option, incident, elder, now, policy, late)
        if plan is None:
            continue
        chosen = replace(
            incident,
            status=IncidentStatus.DISPATCHING,
            responder_id=option.steward_id,
            responder_community_id=option.community_id,
            dispatch_note="",
        )
        return _saved(incident, chosen), plan
    if incident.dispatch_note == NO_RESPONDER:
        return incident, None
    return _saved(incident, escalate(replace(incident, dispatch_note=NO_RESPONDER), now)), None


def _saved(before: Incident, after: Incident) -> Incident:
    if store.save_step(before, after):
        return replace(after, version=before.version + 1)
    return store.get_incident(before.incident_id)


def _place(
    incident: Incident, elder: Elder, now: datetime, policy: Policy, plan: _Plan | None
) -> Incident | None:
    """Put the visit on the chosen responder's route (unless a crashed delivery did already)
    and mark the incident DISPATCHED; None when a concurrent write means: read again."""
    day = now.astimezone(CHINA_TZ).date()
    if plan is None:
        current = routes.find_route(incident.responder_id, day)
        if current is not None and on_route(current, incident.incident_id):
            stop = next(s for s in current["stops"] if s.get("incident_id") == incident.incident_id)
            return _notified(incident, _at(day, _clock_seconds(stop["arrival"])))
        option = ResponderOption(incident.responder_id, incident.responder_community_id, 0, False)
        plan = _plan(option, incident, elder, now, policy)
    if plan is None:  # the day moved on since the choice: choose again
        again = replace(
            incident, status=IncidentStatus.NEW, responder_id="", responder_community_id=""
        )
        store.save_step(incident, again)
        return None
    if not routes.replace_route(plan.inserted.document, plan.previous):
        return None
    return _notified(incident, _at(day, plan.inserted.eta))


def _notified(incident: Incident, eta: datetime) -> Incident:
    """DISPATCHED: the visit is on the route, so the responder's app shows it from now."""
    done = replace(incident, status=IncidentStatus.DISPATCHED, dispatched_at=clock.now(), eta=eta)
    return _saved(incident, done)


def _clock_seconds(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def _at(day: date, seconds: int) -> datetime:
    midnight = datetime.combine(day, datetime.min.time(), CHINA_TZ)
    return midnight + timedelta(seconds=seconds)


def receive(body: str, now: datetime, policy: Policy) -> Incident:
    """One queue message: validated, merged, dispatched. EventRejected for a bad event."""
    event, elder = validated(body, now)
    incident = open_or_join(event, elder, policy.urgent)
    return dispatch(incident, elder, now, policy)


# ---------------------------------------------------------------------- tracking


def _own(who: Caller, incident_id: str) -> Incident:
    who.require(Role.STEWARD)
    incident = store.get_incident(incident_id)
    if incident.responder_id != who.scope:
        raise ForbiddenError("only the incident's responder may do this")
    return incident


def _track(
    who: Caller, incident_id: str, step: Callable[[Incident], Incident], what: str
) -> Incident:
    for _ in range(ATTEMPTS):
        incident = _own(who, incident_id)
        try:
            after = step(incident)
        except ValueError as exc:
            raise ConflictError(str(exc)) from exc
        if store.save_step(incident, after):
            return replace(after, version=incident.version + 1)
    raise ConflictError(f"could not {what}: the incident keeps changing")


def acknowledge_incident(who: Caller, incident_id: str, now: datetime) -> Incident:
    return _track(who, incident_id, lambda i: acknowledge(i, now), "acknowledge")


def arrive_at_incident(who: Caller, incident_id: str, now: datetime) -> Incident:
    return _track(who, incident_id, lambda i: arrive(i, now), "record arrival")


def close_incident(
    who: Caller, incident_id: str, outcome: IncidentOutcome, now: datetime
) -> Incident:
    return _track(who, incident_id, lambda i: close(i, now, outcome), "close")


def _may_read(who: Caller, incident: Incident) -> bool:
    if who.role is Role.STEWARD:
        return incident.responder_id == who.scope
    where = Scope(ScopeKind.COMMUNITY, incident.community_id)
    try:
        require_scope(who, where, ancestors(where))
    except ForbiddenError:
        return False
    return True


def read_incident(who: Caller, incident_id: str) -> Incident:
    incident = store.get_incident(incident_id)
    if not _may_read(who, incident):
        raise ForbiddenError(f"{who.role.value} {who.scope} may not read this incident")
    return incident


def responder_incidents(who: Caller, steward_id: str, open_only: bool) -> list[Incident]:
    """A responder's incidents, newest first: the steward themselves, or officials over the
    steward's community."""
    if who.role is Role.STEWARD:
        if who.scope != steward_id:
            raise ForbiddenError("a steward can only see their own incidents")
    else:
        steward = registry.get_steward(steward_id)
        where = Scope(ScopeKind.COMMUNITY, steward.community_id)
        require_scope(who, where, ancestors(where))
    found = list(store.of_responder(steward_id))
    return [i for i in found if i.is_open] if open_only else found


def _in_scope(who: Caller, scope: str, month: str) -> tuple[Scope, list[Incident]]:
    """The month's incidents of an official's scope (ValidationError for a bad scope)."""
    try:
        where = Scope.parse(scope)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    require_scope(who, where, ancestors(where))

    def inside(i: Incident) -> bool:
        if where.kind is ScopeKind.CITY:
            return True
        own = {
            ScopeKind.DISTRICT: i.district_id,
            ScopeKind.STREET: i.street_id,
            ScopeKind.COMMUNITY: i.community_id,
        }
        return own[where.kind] == where.scope_id

    return where, [i for i in store.of_month(month) if inside(i)]


def scope_incidents(who: Caller, scope: str, month: str, open_only: bool) -> list[Incident]:
    """Officials: the incidents of their scope opened in the month, the most escalated and
    then the oldest first (what needs a call now comes first)."""
    _, found = _in_scope(who, scope, month)
    if open_only:
        found = [i for i in found if i.is_open]
    return sorted(found, key=lambda i: (-LEVELS.index(i.level), i.opened_at, i.incident_id))


def incident_report(who: Caller, month: str, scope: str, now: datetime) -> MonthReport:
    """The month's response report for an official's scope."""
    where, found = _in_scope(who, scope, month)
    return month_report(month, str(where), found, now)


STALLED_AFTER = timedelta(minutes=1)
"""An incident still NEW or DISPATCHING this long after its latest event was left by a
crashed or dead-lettered delivery, or found nobody on shift: the minute tick tries again."""


@dataclass(frozen=True)
class MinuteRun:
    redispatched: int
    escalated: int


def escalate_unacknowledged(now: datetime, policy: Policy) -> MinuteRun:
    """Every minute: dispatch again what is stalled (nothing is lost when every delivery of
    an event crashed), then raise every unacknowledged incident to the level due at `now`.
    Every write is conditional on the version read, so overlapping runs act once."""
    redispatched = escalated = 0
    for incident in store.unacknowledged():
        if (
            incident.status in (IncidentStatus.NEW, IncidentStatus.DISPATCHING)
            and now - incident.last_event_at >= STALLED_AFTER
        ):
            elder = registry.get_elder(incident.community_id, incident.elder_id)
            incident = dispatch(incident, elder, now, policy)
            redispatched += incident.status is IncidentStatus.DISPATCHED
        after = escalate(incident, now)
        if after.level is not incident.level and store.save_step(incident, after):
            escalated += 1
    return MinuteRun(redispatched, escalated)
