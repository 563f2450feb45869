"""Tickets table: one item per follow-up ticket, keyed by its deterministic id.

- `community-due-index` (community_id, due_at) lists a community's tickets by due time.
- `open-due-index` (open_flag, due_at) is sparse: only open tickets carry `open_flag`, so the
  hourly escalator reads exactly the open tickets already past due with one query.

Each scope's open tickets are also kept per China day they fall due on, in the coverage
table (`open-tickets#SCOPE`, sort key `DAY` or `DAY#n`, n a partial of the city's and the
districts', as the coverage counters are spread), as a set of 'due instant|ticket id': the
transaction that opens a ticket adds it, the one that closes it takes it off. Officials'
counts and pages read those items (one query of the scope's partition) instead of the open
index, which DynamoDB answers per item returned but moto by walking the whole table.

Opening is a conditional put (an existing id is left alone: a redelivered visit opens
nothing); escalation and closing are conditional updates on the state that was read.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from careroute.adapters.dynamodb.columns import SharedKeys
from careroute.adapters.dynamodb.coverage import count_ticket
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.adapters.dynamodb.moments import instant_text
from careroute.adapters.dynamodb.tables import TableModel, get_item, index, transaction, update_if
from careroute.domain.coverage import Scope, ScopeKind, scopes_of
from careroute.domain.tickets import Ticket, TicketSource, TicketStatus, due_day

OPEN_FLAG = "open"
OPEN_COUNT_PARTIALS = {ScopeKind.CITY: 8, ScopeKind.DISTRICT: 2}
"""How many partial items a scope's open tickets of one due day are spread over (1 where not
named): tickets opened at the same moment by parallel stream shards then rarely touch the
same item, which would cancel one of the transactions."""


TICKET_COLUMNS = FieldColumns(Ticket, left_out={"source"})


class TicketModel(MappedModel, stores=TICKET_COLUMNS):
    ticket_id = UnicodeAttribute(hash_key=True)
    by_community = index("community-due-index", "community_id", range_key="due_at")
    open_by_due = index("open-due-index", "open_flag", range_key="due_at")

    open_flag = UnicodeAttribute(null=True)
    """Only on open tickets: the sparse open index's key."""
    escalated_at = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    """Absent on tickets opened by a visit (the first kind)."""


class OpenTicketCountModel(TableModel, SharedKeys):
    """A scope's open tickets due on one day (or a partial of them), in the coverage table."""

    due = UnicodeSetAttribute(null=True)
    """Each as 'due instant|ticket id' (the instant as `instant_text` writes it)."""


def _keep_open(tx: TransactWrite, ticket: Ticket, is_open: bool) -> None:
    """Add the ticket to (or take it off) the open tickets of its due day in each of its
    scopes, inside the caller's transaction (the one that opens or closes the ticket)."""
    day = due_day(ticket).isoformat()
    entry = {f"{instant_text(ticket.due_at)}|{ticket.ticket_id}"}
    for scope in scopes_of(ticket.community_id, ticket.street_id, ticket.district_id):
        partials = OPEN_COUNT_PARTIALS.get(scope.kind, 1)
        sk = day if partials == 1 else f"{day}#{zlib.crc32(ticket.ticket_id.encode()) % partials}"
        item = OpenTicketCountModel(_open_count_pk(scope), sk)
        change = OpenTicketCountModel.due.add if is_open else OpenTicketCountModel.due.delete
        tx.update(item, actions=[change(entry)])


def _open_count_pk(scope: Scope) -> str:
    return f"open-tickets#{scope}"


def open_due(scope: Scope) -> list[tuple[datetime, str]]:
    """The scope's open tickets as (due time, ticket id), soonest due first: one query."""
    found: list[tuple[datetime, str]] = []
    with storage_errors("read the open tickets of a scope"):
        for item in OpenTicketCountModel.query(_open_count_pk(scope)):
            for entry in item.due or ():
                due_text, _, ticket_id = entry.partition("|")
                found.append((datetime.fromisoformat(due_text), ticket_id))
    return sorted(found)


def replace_open_due(open_tickets: Iterable[Ticket]) -> None:
    """Replace the open tickets kept per scope and day with `open_tickets`, one item per
    scope and day (no partials: a recount, not a stream of opens and closes)."""
    kept: dict[tuple[str, str], set[str]] = {}
    for ticket in open_tickets:
        entry = f"{instant_text(ticket.due_at)}|{ticket.ticket_id}"
        for scope in scopes_of(ticket.community_id, ticket.street_id, ticket.district_id):
            kept.setdefault((_open_count_pk(scope), due_day(ticket).isoformat()), set()).add(entry)
    prefix = _open_count_pk(Scope(ScopeKind.CITY, "all")).split("#", 1)[0]
    with storage_errors("recount open tickets"):
        stored = list(OpenTicketCountModel.scan(OpenTicketCountModel.pk.startswith(prefix)))
        with OpenTicketCountModel.batch_write() as batch:
            for item in stored:
                batch.delete(item)
        with OpenTicketCountModel.batch_write() as batch:
            for (pk, sk), entries in kept.items():
                batch.save(OpenTicketCountModel(pk, sk, due=entries))


def get_tickets(ticket_ids: Sequence[str]) -> list[Ticket]:
    """The tickets with these ids (a batch read), in no particular order."""
    with storage_errors("read tickets"):
        return [_ticket(item) for item in TicketModel.batch_get(list(ticket_ids))]


def _item(t: Ticket) -> TicketModel:
    return TicketModel(
        **TICKET_COLUMNS.values(t),
        open_flag=OPEN_FLAG if t.status is TicketStatus.OPEN else None,
        source=None if t.source is TicketSource.VISIT else t.source.value,
    )


def _ticket(item: TicketModel) -> Ticket:
    return TICKET_COLUMNS.read(item, source=TicketSource(item.source or TicketSource.VISIT.value))


def open_once(ticket: Ticket) -> bool:
    """Store a new ticket unless one with its id exists, and count it in its scopes' ticket
    counters in the same transaction; True when stored."""
    with transaction(TicketModel, "open a ticket") as tx:
        tx.save(_item(ticket), condition=TicketModel.ticket_id.does_not_exist())
        count_ticket(tx, ticket, opened=True)
        if ticket.status is TicketStatus.OPEN:
            _keep_open(tx, ticket, is_open=True)
    return tx.committed


def get_ticket(ticket_id: str) -> Ticket:
    """The ticket, read consistently: its steps are saved over the version read."""
    missing = f"ticket {ticket_id} not found"
    action = "read a ticket"
    item = get_item(TicketModel, ticket_id, action=action, missing=missing, consistent=True)
    return _ticket(item)


def of_community(community_id: str) -> Iterator[Ticket]:
    """A community's tickets, soonest due first."""
    with storage_errors("list a community's tickets"):
        for item in TicketModel.by_community.query(community_id):
            yield _ticket(item)


def open_due_before(now: datetime) -> Iterator[Ticket]:
    """Every open ticket due before `now`, soonest due first."""
    with storage_errors("list overdue tickets"):
        for item in TicketModel.open_by_due.query(
            OPEN_FLAG, TicketModel.due_at < instant_text(now)
        ):
            yield _ticket(item)


def save_level(before: Ticket, after: Ticket, at: datetime) -> bool:
    """Raise an open ticket from `before.level` to `after.level`; False when it is no longer
    open at that level (escalated or closed meanwhile, or a repeated run)."""
    condition = (TicketModel.status == TicketStatus.OPEN.value) & (
        TicketModel.level == before.level.value
    )
    actions: list[Action] = [
        TicketModel.level.set(after.level.value),
        TicketModel.escalated_at.set(instant_text(at)),
    ]
    return update_if(TicketModel(before.ticket_id), actions, condition, "escalate a ticket")


def save_closed(ticket: Ticket) -> bool:
    """Record a closed ticket's action and result, and count it (closed, on time or not) in
    the same transaction; False when it was closed already."""
    assert ticket.closed_at is not None
    actions: list[Action] = [
        TicketModel.status.set(TicketStatus.CLOSED.value),
        TicketModel.open_flag.remove(),
        TicketModel.closed_at.set(instant_text(ticket.closed_at)),
        TicketModel.closed_by.set(ticket.closed_by),
        TicketModel.action.set(ticket.action),
        TicketModel.result.set(ticket.result),
    ]
    with transaction(TicketModel, "close a ticket") as tx:
        tx.update(
            TicketModel(ticket.ticket_id),
            actions=actions,
            condition=TicketModel.status == TicketStatus.OPEN.value,
        )
        count_ticket(tx, ticket, opened=False)
        _keep_open(tx, ticket, is_open=False)
    return tx.committed


def open_tickets(within: Scope | None = None) -> Iterator[Ticket]:
    """Every open ticket in `within` (the city without), soonest due first: the sparse open
    index, filtered by the scope where it is stored."""
    with storage_errors("list open tickets"):
        for item in TicketModel.open_by_due.query(OPEN_FLAG, filter_condition=_in_scope(within)):
            yield _ticket(item)


def _in_scope(scope: Scope | None) -> Condition | None:
    """The filter keeping the tickets of `scope` (None for the city's, which are all)."""
    if scope is None or scope.kind is ScopeKind.CITY:
        return None
    column = {
        ScopeKind.DISTRICT: TicketModel.district_id,
        ScopeKind.STREET: TicketModel.street_id,
        ScopeKind.COMMUNITY: TicketModel.community_id,
    }[scope.kind]
    return column == scope.scope_id
