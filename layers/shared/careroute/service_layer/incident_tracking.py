"""After an incident is open: its responder acknowledges, arrives and closes it; officials and
responders read it (the incidents API). The minute escalator, which dispatches again, is in
`incidents`, with the dispatch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from careroute.domain.access import Caller, Role, require_scope
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import ConflictError, ForbiddenError
from careroute.domain.incident_report import MonthReport, month_report
from careroute.domain.incidents import (
    Incident,
    IncidentOutcome,
    acknowledge,
    arrive,
    close,
)
from careroute.domain.tickets import LEVELS
from careroute.service_layer.incident_ports import ATTEMPTS, RESPONDER_ROLES, IncidentHandling
from careroute.service_layer.ports import (
    IncidentRepository,
    ScopeDirectory,
)
from careroute.service_layer.scope_access import readable_scope


def _is_responder(who: Caller, incident: Incident) -> bool:
    """The caller is the incident's responder: its steward, or its home-service worker."""
    role = Role.WORKER if incident.responder_provider_id else Role.STEWARD
    return who.role is role and incident.responder_id == who.scope


def _own(who: Caller, incident_id: str, incidents: IncidentRepository) -> Incident:
    if who.role not in RESPONDER_ROLES:
        raise ForbiddenError("only the incident's responder may do this")
    incident = incidents.get_incident(incident_id)
    if not _is_responder(who, incident):
        raise ForbiddenError("only the incident's responder may do this")
    return incident


def _track(
    who: Caller,
    incident_id: str,
    step: Callable[[Incident], Incident],
    what: str,
    incidents: IncidentRepository,
) -> Incident:
    for _ in range(ATTEMPTS):
        incident = _own(who, incident_id, incidents)
        try:
            after = step(incident)
        except ValueError as exc:
            raise ConflictError(str(exc)) from exc
        if incidents.save_step(incident, after):
            return replace(after, version=incident.version + 1)
    raise ConflictError(f"could not {what}: the incident keeps changing")


def acknowledge_incident(
    who: Caller, incident_id: str, now: datetime, ports: IncidentHandling
) -> Incident:
    return _track(who, incident_id, lambda i: acknowledge(i, now), "acknowledge", ports.incidents)


def arrive_at_incident(
    who: Caller, incident_id: str, now: datetime, ports: IncidentHandling
) -> Incident:
    return _track(who, incident_id, lambda i: arrive(i, now), "record arrival", ports.incidents)


def close_incident(
    who: Caller,
    incident_id: str,
    outcome: IncidentOutcome,
    now: datetime,
    ports: IncidentHandling,
) -> Incident:
    return _track(who, incident_id, lambda i: close(i, now, outcome), "close", ports.incidents)


def _may_read(who: Caller, incident: Incident, scopes: ScopeDirectory) -> bool:
    if who.role in RESPONDER_ROLES:
        return _is_responder(who, incident)
    where = Scope(ScopeKind.COMMUNITY, incident.community_id)
    try:
        require_scope(who, where, scopes.ancestors(where))
    except ForbiddenError:
        return False
    return True


def read_incident(who: Caller, incident_id: str, ports: IncidentHandling) -> Incident:
    incident = ports.incidents.get_incident(incident_id)
    if not _may_read(who, incident, ports.scopes):
        raise ForbiddenError(f"{who.role.value} {who.scope} may not read this incident")
    return incident


def responder_incidents(
    who: Caller, steward_id: str, open_only: bool, ports: IncidentHandling
) -> list[Incident]:
    """A responder's incidents, newest first: the steward themselves, or officials over the
    steward's community."""
    if who.role is Role.STEWARD:
        if who.scope != steward_id:
            raise ForbiddenError("a steward can only see their own incidents")
    else:
        steward = ports.stewards.get_steward(steward_id)
        where = Scope(ScopeKind.COMMUNITY, steward.community_id)
        require_scope(who, where, ports.scopes.ancestors(where))
    found = list(ports.incidents.of_responder(steward_id))
    return [i for i in found if i.is_open] if open_only else found


def _in_scope(
    who: Caller, scope: str, month: str, ports: IncidentHandling
) -> tuple[Scope, list[Incident]]:
    """The month's incidents of an official's scope (ValidationError for a bad scope)."""
    where = readable_scope(who, scope, ports.scopes)
    return where, [i for i in ports.incidents.of_month(month) if where.holds(i)]


def scope_incidents(
    who: Caller, scope: str, month: str, open_only: bool, ports: IncidentHandling
) -> list[Incident]:
    """Officials: the incidents of their scope opened in the month, the most escalated and
    then the oldest first (what needs a call now comes first)."""
    _, found = _in_scope(who, scope, month, ports)
    if open_only:
        found = [i for i in found if i.is_open]
    return sorted(found, key=lambda i: (-LEVELS.index(i.level), i.opened_at, i.incident_id))


def incident_report(
    who: Caller, month: str, scope: str, now: datetime, ports: IncidentHandling
) -> MonthReport:
    """The month's response report for an official's scope."""
    where, found = _in_scope(who, scope, month, ports)
    return month_report(month, str(where), found, now)
