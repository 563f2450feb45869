"""Incidents table (key `pk`): urgent incidents and, per elder, which incident is theirs.

- `<incident id>`: the incident, rewritten whole by each step of its state machine with a
  condition on the version read (optimistic concurrency: a lost race re-reads and retries,
  a repeated step finds the step done).
- `elder#<elder id>`: the elder's latest incident (the merge slot). Opening an incident puts
  the slot and the incident in ONE transaction, conditional on the slot being the one read
  and the incident being new, so two concurrent events for an elder never open two.

Sparse indexes: `responder-index` (responder_id, opened_at) lists a responder's incidents;
`month-index` (month, opened_at) a month's, for officials and the report; `unacked-index`
(unacked, ack_due_at) holds only incidents not yet acknowledged, for the minute escalator.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.columns import MaybeInScopes
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.moments import instant_text
from careroute.adapters.dynamodb.tables import (
    TableModel,
    find_item,
    index,
    save_if,
    transaction,
)
from careroute.domain.errors import NotFoundError
from careroute.domain.incidents import (
    UNACKNOWLEDGED,
    EventType,
    Incident,
    IncidentOutcome,
    IncidentStatus,
)
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.tickets import Level
from careroute.domain.vocabulary import Severity

SLOT_PREFIX = "elder#"
UNACKED = "1"
DEADLINES = ("opened_at", "last_event_at", "ack_due_at", "arrive_due_at")
"""The moments every incident has from the event that opened it."""
STEPS = ("eta", "dispatched_at", "placed_due_at", "acknowledged_at", "arrived_at", "closed_at")
"""The moments an incident gets as it moves on (absent until then)."""


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class IncidentModel(TableModel, MaybeInScopes):
    pk = UnicodeAttribute(hash_key=True)
    elder_id = UnicodeAttribute()
    incident_id = UnicodeAttribute(null=True)
    """On the slot: the elder's latest incident."""
    event_type = UnicodeAttribute(null=True)
    severity = UnicodeAttribute(null=True)
    month = UnicodeAttribute(null=True)
    opened_at = UnicodeAttribute(null=True)
    last_event_at = UnicodeAttribute(null=True)
    ack_due_at = UnicodeAttribute(null=True)
    arrive_due_at = UnicodeAttribute(null=True)
    service_minutes = NumberAttribute(null=True)
    event_ids = ListAttribute(of=UnicodeAttribute, null=True)
    status = UnicodeAttribute(null=True)
    level = UnicodeAttribute(null=True)
    unacked = UnicodeAttribute(null=True)
    responder_id = UnicodeAttribute(null=True)
    responder_community_id = UnicodeAttribute(null=True)
    responder_provider_id = UnicodeAttribute(null=True)
    eta = UnicodeAttribute(null=True)
    dispatched_at = UnicodeAttribute(null=True)
    placed_due_at = UnicodeAttribute(null=True)
    acknowledged_at = UnicodeAttribute(null=True)
    arrived_at = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    dispatch_note = UnicodeAttribute(null=True)
    version = NumberAttribute(default=0)

    by_responder = index("responder-index", "responder_id", range_key="opened_at")
    by_month = index("month-index", "month", range_key="opened_at")
    unacknowledged = index("unacked-index", "unacked", range_key="ack_due_at")


def _stored_moments(i: Incident) -> dict[str, Any]:
    """Every moment of `i` as `instant_text` (None for a step not reached)."""
    moments = {name: getattr(i, name) for name in DEADLINES + STEPS}
    return {name: instant_text(at) if at is not None else None for name, at in moments.items()}


def _read_moments(item: IncidentModel) -> dict[str, Any]:
    """Every moment of a stored incident: the deadlines must be there, a step may not."""
    moments = {name: _time(getattr(item, name)) for name in DEADLINES + STEPS}
    missing = [name for name in DEADLINES if moments[name] is None]
    assert not missing, f"incident {item.pk} has no {missing}"
    return moments


def _item(i: Incident) -> IncidentModel:
    return IncidentModel(
        i.incident_id,
        incident_id=i.incident_id,
        **elder_scope_ids(i),
        event_type=i.event_type.value,
        severity=i.severity.value,
        month=i.month,
        **_stored_moments(i),
        service_minutes=i.service_minutes,
        event_ids=list(i.event_ids),
        status=i.status.value,
        level=i.level.value,
        unacked=UNACKED if i.status in UNACKNOWLEDGED else None,
        responder_id=i.responder_id or None,
        responder_community_id=i.responder_community_id or None,
        responder_provider_id=i.responder_provider_id or None,
        outcome=i.outcome.value if i.outcome else None,
        dispatch_note=i.dispatch_note or None,
        version=i.version,
    )


def _incident(item: IncidentModel) -> Incident:
    return Incident(
        incident_id=item.pk,
        elder_id=item.elder_id,
        **item.scope_ids(),
        event_type=EventType(item.event_type),
        severity=Severity(item.severity),
        **_read_moments(item),
        service_minutes=int(item.service_minutes or 0),
        event_ids=tuple(str(e) for e in item.event_ids or ()),
        status=IncidentStatus(item.status),
        level=Level(item.level),
        responder_id=item.responder_id or "",
        responder_community_id=item.responder_community_id or "",
        responder_provider_id=item.responder_provider_id or "",
        outcome=IncidentOutcome(item.outcome) if item.outcome else None,
        dispatch_note=item.dispatch_note or "",
        version=int(item.version),
    )


def find_incident(incident_id: str) -> Incident | None:
    """The incident (read consistently), or None."""
    item = find_item(IncidentModel, incident_id, action="read an incident", consistent=True)
    return _incident(item) if item else None


def get_incident(incident_id: str) -> Incident:
    found = find_incident(incident_id)
    if found is None:
        raise NotFoundError(f"incident {incident_id} not found")
    return found


def latest_of_elder(elder_id: str) -> Incident | None:
    """The elder's latest incident (from the merge slot), read consistently."""
    action = "read an elder's incident slot"
    slot = find_item(IncidentModel, SLOT_PREFIX + elder_id, action=action, consistent=True)
    return find_incident(slot.incident_id) if slot and slot.incident_id else None


def open_in_slot(incident: Incident, replacing: str | None) -> bool:
    """Store a new incident and make it the elder's latest, in one transaction; False when
    another incident took the slot first (`replacing` is the slot's incident id as read, None
    for no slot) or this incident exists already."""
    slot = IncidentModel(
        SLOT_PREFIX + incident.elder_id,
        elder_id=incident.elder_id,
        incident_id=incident.incident_id,
    )
    seen = (
        IncidentModel.pk.does_not_exist()
        if replacing is None
        else IncidentModel.incident_id == replacing
    )
    with transaction(IncidentModel, "open an incident") as tx:
        tx.save(slot, condition=seen)
        tx.save(_item(incident), condition=IncidentModel.pk.does_not_exist())
    return tx.committed


def save_step(before: Incident, after: Incident) -> bool:
    """Write `after` (version + 1) if the stored incident is still at `before.version`;
    False when another writer got there first."""
    item = _item(after)
    item.version = before.version + 1
    return save_if(item, IncidentModel.version == before.version, "update an incident")


def of_responder(responder_id: str) -> Iterator[Incident]:
    """A responder's (steward's or worker's) incidents, newest first."""
    with storage_errors("list a responder's incidents"):
        for item in IncidentModel.by_responder.query(responder_id, scan_index_forward=False):
            yield _incident(item)


def of_month(month: str) -> Iterator[Incident]:
    """The incidents opened in a month ('YYYY-MM', China time), oldest first."""
    with storage_errors("list a month's incidents"):
        for item in IncidentModel.by_month.query(month):
            yield _incident(item)


def unacknowledged() -> Iterator[Incident]:
    """Every incident not yet acknowledged, soonest ack deadline first."""
    with storage_errors("list unacknowledged incidents"):
        for item in IncidentModel.unacknowledged.query(UNACKED):
            yield _incident(item)
