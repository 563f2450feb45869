"""Follow-up tickets: opened by the projector for each finding, escalated hourly, listed and
closed over the API.

Who may act: officials (street, district) and the city admin on tickets in their scope; a
steward on the tickets of their own community.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from careroute.domain.access import Caller, Role, can_read_scope, require_scope
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import ConflictError, ForbiddenError, ValidationError
from careroute.domain.retries import RetryPolicy, unreachable_try
from careroute.domain.tickets import (
    OpenCount,
    Ticket,
    TicketSla,
    TicketSource,
    TicketStatus,
    close,
    escalate,
    open_count,
    tickets_for,
    unreachable_ticket,
)
from careroute.domain.vocabulary import VisitRecord
from careroute.messages.tickets import TicketList, TicketRow
from careroute.service_layer.ports import (
    CoverageRepository,
    ScopeDirectory,
    StewardRepository,
    TicketRepository,
    VisitRepository,
)


class TicketFilter(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    CLOSED = "closed"
    ALL = "all"


@dataclass(frozen=True)
class Ticketing:
    """The ports listing, closing and counting tickets read and write."""

    tickets: TicketRepository
    coverage: CoverageRepository
    stewards: StewardRepository
    scopes: ScopeDirectory


def open_tickets(tickets: TicketRepository, record: VisitRecord, sla: TicketSla) -> int:
    """Open one ticket per finding of the visit; a repeat delivery opens none. The count of
    tickets stored now."""
    return sum(tickets.open_once(ticket) for ticket in tickets_for(record, sla))


def open_unreachable_ticket(
    visits: VisitRepository, tickets: TicketRepository, record: VisitRecord, policy: RetryPolicy
) -> bool:
    """After a failed try: open the street office's "unreachable" ticket of the elder's month
    when the stored visits make `policy.unreachable_after` failed tries in a row (the record
    itself counted even if the visits index has not caught up with it); True when opened now.
    A repeat delivery opens none (the ticket's id is the elder's and the month's)."""
    month_visits = [*visits.elder_visits_in_month(record.elder_id, record.month), record]
    last_try = unreachable_try(month_visits, policy.unreachable_after)
    if last_try is None:
        return False
    ticket = unreachable_ticket(last_try, policy.unreachable_after, policy.unreachable_sla_hours)
    return tickets.open_once(ticket)


def escalate_overdue(tickets: TicketRepository, now: datetime) -> int:
    """Raise every overdue open ticket to the level due at `now`; the count raised. Safe to
    run twice (each update is conditional on the level read)."""
    raised = 0
    for ticket in tickets.open_due_before(now):
        after = escalate(ticket, now)
        if after.level is not ticket.level and tickets.save_level(ticket, after, now):
            raised += 1
    return raised


def overdue_count(tickets: TicketRepository, now: datetime) -> int:
    """Open tickets past their due time at `now`."""
    return sum(1 for _ in tickets.open_due_before(now))


def _steward_community(stewards: StewardRepository, who: Caller) -> str:
    return stewards.get_steward(who.scope).community_id


def _may_act(ports: Ticketing, who: Caller, community_id: str) -> bool:
    if who.role is Role.STEWARD:
        return _steward_community(ports.stewards, who) == community_id
    where = Scope(ScopeKind.COMMUNITY, community_id)
    return can_read_scope(who, where, ports.scopes.ancestors(where))


def _matches(ticket: Ticket, status: TicketFilter, now: datetime) -> bool:
    if status is TicketFilter.ALL:
        return True
    if status is TicketFilter.CLOSED:
        return ticket.status is TicketStatus.CLOSED
    if status is TicketFilter.OVERDUE:
        return ticket.overdue(now)
    return ticket.status is TicketStatus.OPEN


WIDE_SCOPES = frozenset({ScopeKind.DISTRICT, ScopeKind.CITY})


def open_counts(where: Scope, now: datetime, tickets: TicketRepository) -> OpenCount:
    """The scope's open tickets and how many are overdue at `now`, from the due times kept
    with each open and close (one read of the scope's items), not from every open ticket."""
    return open_count([due for due, _ in tickets.open_due(where)], now)


def recount_open_tickets(tickets: TicketRepository) -> int:
    """Keep every open ticket again in its scopes' open tickets (what `open_counts` and the
    pages read): for tickets stored before they were kept, or a repair. The number of open
    tickets. Run it while no ticket opens or closes (a deploy): one opened or closed during
    the read may be missed."""
    found = list(tickets.open_tickets())
    tickets.replace_open_due(found)
    return len(found)


def _candidates(where: Scope, status: TicketFilter, ports: Ticketing) -> Iterable[Ticket]:
    """The tickets of `where` that may have `status`: for the open or overdue ones of a
    district or the city, the open tickets of the scope (one read of the sparse open index),
    instead of every ticket of each of its communities (~1,150 reads)."""
    if status in (TicketFilter.OPEN, TicketFilter.OVERDUE) and where.kind in WIDE_SCOPES:
        return ports.tickets.open_tickets(within=where)
    return (
        ticket
        for community_id in ports.scopes.communities_in(where)
        for ticket in ports.tickets.of_community(community_id)
    )


def _check_access(who: Caller, where: Scope, ports: Ticketing) -> None:
    if who.role is Role.STEWARD:
        own = _steward_community(ports.stewards, who)
        if where.kind is not ScopeKind.COMMUNITY or where.scope_id != own:
            raise ForbiddenError("a steward can only see their own community's tickets")
    else:
        require_scope(who, where, ports.scopes.ancestors(where))


def list_tickets(
    who: Caller,
    where: Scope,
    status: TicketFilter,
    now: datetime,
    ports: Ticketing,
    source: TicketSource | None = None,
    limit: int | None = None,
    after: str | None = None,
) -> TicketList:
    """The tickets of a scope with the given status (and source, e.g. `benefit` lists whom
    the benefit scan found and notified), soonest due first: `count` of them all, `tickets`
    the page after the cursor `after` (at most `limit`; all without)."""
    _check_access(who, where, ports)
    if _counted(where, status, source):
        return _open_page(where, status, now, ports.tickets, limit, after)
    found = [
        ticket
        for ticket in _candidates(where, status, ports)
        if _matches(ticket, status, now) and (source is None or ticket.source is source)
    ]
    found.sort(key=lambda t: (t.due_at, t.ticket_id))
    start = 0 if after is None else _after_cursor(found, _parse_cursor(after))
    end = len(found) if limit is None else min(len(found), start + limit)
    page = found[start:end]
    return TicketList(
        scope=str(where),
        status=status.value,
        count=len(found),
        tickets=[TicketRow.of(t, now) for t in page],
        next_cursor=_cursor(page[-1]) if page and end < len(found) else None,
    )


def _counted(where: Scope, status: TicketFilter, source: TicketSource | None) -> bool:
    """Whether the list is of a district's or the city's open (or overdue) tickets of any
    source: its count and ids then come from the open tickets kept per scope, and only the
    page's tickets are read (by id: the scope's own, not every open ticket of the city)."""
    wanted = status in (TicketFilter.OPEN, TicketFilter.OVERDUE)
    return wanted and where.kind in WIDE_SCOPES and source is None


def _open_page(
    where: Scope,
    status: TicketFilter,
    now: datetime,
    tickets: TicketRepository,
    limit: int | None,
    after: str | None,
) -> TicketList:
    """A page of the scope's open or overdue tickets (all of them without `limit`): their due
    times and ids kept with each open and close give the count and the page's ids, then one
    batch read the page's tickets. One closed since (between the two reads) is left off."""
    last = None if after is None else _parse_cursor(after)
    kept = tickets.open_due(where)
    counts = open_count([due for due, _ in kept], now)
    wanted = [
        (due, ticket_id)
        for due, ticket_id in kept
        if (status is not TicketFilter.OVERDUE or now > due)
        and (last is None or (due, ticket_id) > last)
    ]
    size = len(wanted) if limit is None else limit
    ids = [ticket_id for _, ticket_id in wanted[:size]]
    found = {t.ticket_id: t for t in tickets.get_tickets(ids) if t.status is TicketStatus.OPEN}
    page = [found[ticket_id] for ticket_id in ids if ticket_id in found]
    more = len(wanted) > size
    return TicketList(
        scope=str(where),
        status=status.value,
        count=counts.overdue if status is TicketFilter.OVERDUE else counts.open,
        tickets=[TicketRow.of(t, now) for t in page],
        next_cursor=_cursor_at(*wanted[size - 1]) if more else None,
    )


def _cursor(ticket: Ticket) -> str:
    return _cursor_at(ticket.due_at, ticket.ticket_id)


def _cursor_at(due_at: datetime, ticket_id: str) -> str:
    return f"{due_at.isoformat()}|{ticket_id}"


def _parse_cursor(cursor: str) -> tuple[datetime, str]:
    """The (due time, ticket id) of the last ticket of the page before."""
    due_text, _, ticket_id = cursor.partition("|")
    try:
        due_at = datetime.fromisoformat(due_text)
    except ValueError as exc:
        raise ValidationError(f"not a cursor of this list: {cursor!r}") from exc
    if not ticket_id or due_at.tzinfo is None:
        raise ValidationError(f"not a cursor of this list: {cursor!r}")
    return due_at, ticket_id


def _after_cursor(found: list[Ticket], last: tuple[datetime, str]) -> int:
    """Where the page after `last` starts in `found` (sorted by due time, then id)."""
    return next((i for i, t in enumerate(found) if (t.due_at, t.ticket_id) > last), len(found))


def ticket_figures(where: Scope, month: str, now: datetime, ports: Ticketing) -> dict[str, Any]:
    """What coverage reports about follow-ups in a scope: tickets opened in the month and how
    many closed on time, and the tickets open and overdue right now (all from what is kept
    with each open and close)."""
    counts = ports.coverage.read_ticket_counts(month, where)
    now_open = open_counts(where, now, ports.tickets)
    closed = counts["closed"]
    return {
        **counts,
        "closed_on_time_rate": round(counts["closed_on_time"] / closed, 4) if closed else None,
        "open_now": now_open.open,
        "overdue_now": now_open.overdue,
    }


def close_ticket(
    who: Caller, ticket_id: str, action: str, result: str, now: datetime, ports: Ticketing
) -> TicketRow:
    """Close an open ticket with what was done and what came of it."""
    ticket = ports.tickets.get_ticket(ticket_id)
    if not _may_act(ports, who, ticket.community_id):
        raise ForbiddenError(f"{who.role.value} {who.scope} may not close this ticket")
    if ticket.status is TicketStatus.CLOSED:
        raise ConflictError("the ticket is closed already")
    try:
        closed = close(ticket, now, who.subject, action, result)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if not ports.tickets.save_closed(closed):
        raise ConflictError("the ticket is closed already")
    return TicketRow.of(closed, now)
