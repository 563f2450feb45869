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

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.adapters.dynamodb.tables import find_item, index, save_if, transaction
from careroute.domain.errors import NotFoundError
from careroute.domain.incidents import UNACKNOWLEDGED, Incident

SLOT_PREFIX = "elder#"
UNACKED = "1"
INCIDENT_COLUMNS = FieldColumns(Incident)


class IncidentModel(MappedModel, stores=INCIDENT_COLUMNS):
    """An incident (key: its id), or an elder's slot (`elder#<elder id>`: `elder_id`,
    `incident_id`, `version` 0)."""

    pk = UnicodeAttribute(hash_key=True)
    by_responder = index("responder-index", "responder_id", range_key="opened_at")
    by_month = index("month-index", "month", range_key="opened_at")
    unacknowledged = index("unacked-index", "unacked", range_key="ack_due_at")

    month = UnicodeAttribute(null=True)
    unacked = UnicodeAttribute(null=True)
    version = NumberAttribute(default=0)


def _item(i: Incident) -> IncidentModel:
    return IncidentModel(
        i.incident_id,
        **INCIDENT_COLUMNS.values(i),
        month=i.month,
        unacked=UNACKED if i.status in UNACKNOWLEDGED else None,
    )


def _incident(item: IncidentModel) -> Incident:
    return INCIDENT_COLUMNS.read(item)


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
