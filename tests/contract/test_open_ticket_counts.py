"""The counts of open and overdue tickets per scope, memory against DynamoDB: after tickets
open (some delivered twice), escalate (twice), close (twice) and pass their due time, each
scope's counts equal a recount of the open tickets, at moments before, within and after the
day they fall due; and the pages of a district's or the city's open and overdue tickets, whose
total comes from those counts, make up the whole list."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind, scopes_of
from careroute.domain.errors import ValidationError
from careroute.domain.tickets import OpenCount, Ticket, close
from careroute.domain.vocabulary import Registry, china_date
from careroute.service_layer.ports import TicketRepository
from careroute.service_layer.tickets import (
    TicketFilter,
    escalate_overdue,
    list_tickets,
    open_counts,
    recount_open_tickets,
    ticket_figures,
)
from tests.contract.conftest import Backend
from tests.contract.test_projection_ports import MORNING
from tests.contract.test_ticket_ports import other_community_elder, visit_tickets


def recount(tickets: TicketRepository, where: Scope, now: datetime) -> OpenCount:
    """The scope's open and overdue tickets counted from every open ticket of the city."""
    mine = [
        t
        for t in tickets.open_tickets()
        if where in scopes_of(t.community_id, t.street_id, t.district_id)
    ]
    return OpenCount(open=len(mine), overdue=sum(1 for t in mine if t.overdue(now)))


def every_scope(tickets: list[Ticket]) -> set[Scope]:
    return {s for t in tickets for s in scopes_of(t.community_id, t.street_id, t.district_id)}


def opened_twice(backend: Backend, city: Registry) -> list[Ticket]:
    """Twelve tickets from four visits in two communities, each opened twice (a retried
    delivery): three per visit (urgent, high, normal), the visits an hour and days apart."""
    backend.communities.save_communities(city.communities)
    backend.stewards.save_stewards(city.stewards)
    other = other_community_elder(city)
    found = [
        *visit_tickets(city, 1, 0, MORNING),
        *visit_tickets(city, 2, other, MORNING + timedelta(hours=2)),
        *visit_tickets(city, 3, 0, MORNING + timedelta(days=2, hours=3)),
        *visit_tickets(city, 4, other, MORNING - timedelta(days=9)),
    ]
    for ticket in found:
        assert backend.tickets.open_once(ticket) is True
        assert backend.tickets.open_once(ticket) is False
    return found


def moments(tickets: list[Ticket]) -> list[datetime]:
    """Before any is due; between two tickets due the same day; a day and a week later."""
    first_due = min(t.due_at for t in tickets if t.due_at > MORNING)
    return [
        MORNING,
        first_due + timedelta(hours=1),  # the other community's urgent one is due an hour later
        first_due + timedelta(days=1),
        MORNING + timedelta(days=8),
    ]


def assert_counts_equal_a_recount(backend: Backend, tickets: list[Ticket]) -> None:
    for now in moments(tickets):
        for where in every_scope(tickets):
            assert open_counts(where, now, backend.tickets) == recount(
                backend.tickets, where, now
            ), (where, now)


def test_open_and_overdue_counts_equal_a_recount_after_opens_escalations_and_closes(
    backend: Backend, small_city: Registry
) -> None:
    tickets = opened_twice(backend, small_city)
    same_day = moments(tickets)[1]
    due_that_day = [t.due_at for t in tickets if china_date(t.due_at) == china_date(same_day)]
    assert min(due_that_day) < same_day < max(due_that_day)  # one overdue, one not yet
    assert_counts_equal_a_recount(backend, tickets)
    city = Scope(ScopeKind.CITY, "all")
    assert open_counts(city, MORNING, backend.tickets) == OpenCount(open=12, overdue=3)
    later = MORNING + timedelta(days=3)
    assert escalate_overdue(backend.tickets, later) > 0
    assert escalate_overdue(backend.tickets, later) == 0
    assert_counts_equal_a_recount(backend, tickets)
    for ticket in (tickets[0], tickets[4], tickets[8]):  # due, not yet due, long overdue
        stored = backend.tickets.get_ticket(ticket.ticket_id)
        done = close(stored, later, "official-1", "called", "resolved")
        assert backend.tickets.save_closed(done) is True
        assert backend.tickets.save_closed(done) is False
    assert_counts_equal_a_recount(backend, tickets)
    assert open_counts(city, MORNING, backend.tickets).open == 9
    assert backend.tickets.open_due(Scope(ScopeKind.COMMUNITY, "C9999")) == []
    for where in every_scope(tickets):  # the open index, filtered by scope where stored
        every = backend.tickets.open_tickets()
        assert list(backend.tickets.open_tickets(within=where)) == [
            t for t in every if where in scopes_of(t.community_id, t.street_id, t.district_id)
        ]


def test_a_recount_from_the_tickets_restores_the_counts(
    backend: Backend, small_city: Registry
) -> None:
    """Tickets stored before they were kept per scope (or kept wrong) are kept again from
    the open tickets; what was kept, partials too, is replaced, not added to."""
    tickets = opened_twice(backend, small_city)
    city = Scope(ScopeKind.CITY, "all")
    kept = {where: backend.tickets.open_due(where) for where in every_scope(tickets)}
    backend.tickets.replace_open_due(tickets[:1])
    assert open_counts(city, MORNING, backend.tickets).open == 1
    assert recount_open_tickets(backend.tickets) == 12
    assert {where: backend.tickets.open_due(where) for where in kept} == kept
    assert_counts_equal_a_recount(backend, tickets)


def test_pages_of_open_and_overdue_tickets_make_the_whole_list_with_the_counted_total(
    backend: Backend, small_city: Registry
) -> None:
    """The whole list (what the export writes) is the scope's stored open tickets."""
    tickets = opened_twice(backend, small_city)
    official = Caller("official-1", Role.DISTRICT_OFFICIAL, small_city.elders[0].district_id)
    ports = backend.ticketing
    now = moments(tickets)[2]
    district = Scope(ScopeKind.DISTRICT, small_city.elders[0].district_id)
    for status in (TicketFilter.OPEN, TicketFilter.OVERDUE):
        whole = list_tickets(official, district, status, now, ports)
        pages = [list_tickets(official, district, status, now, ports, limit=2)]
        while pages[-1].next_cursor is not None:
            after = pages[-1].next_cursor
            pages.append(list_tickets(official, district, status, now, ports, None, 2, after))
        assert [r for p in pages for r in p.tickets] == whole.tickets != []
        assert {p.count for p in pages} == {whole.count} and len(pages) > 1
        stored = sorted(
            (t for t in backend.tickets.open_tickets(within=district)
             if status is TicketFilter.OPEN or t.overdue(now)),
            key=lambda t: (t.due_at, t.ticket_id),
        )  # fmt: skip
        assert [r.ticket_id for r in whole.tickets] == [t.ticket_id for t in stored]
    figures = ticket_figures(district, MORNING.strftime("%Y-%m"), now, ports)
    counted = recount(backend.tickets, district, now)
    assert (figures["open_now"], figures["overdue_now"]) == (counted.open, counted.overdue)


@pytest.mark.parametrize("cursor", ["nonsense", "2026-01-01T00:00:00|", "2026-01-01|tk-1"])
def test_a_page_after_a_cursor_not_of_the_list_is_refused(
    backend: Backend, small_city: Registry, cursor: str
) -> None:
    opened_twice(backend, small_city)
    admin = Caller("admin-1", Role.CITY_ADMIN, "")
    city = Scope(ScopeKind.CITY, "all")
    with pytest.raises(ValidationError, match="not a cursor"):
        list_tickets(admin, city, TicketFilter.OPEN, MORNING, backend.ticketing, None, 2, cursor)
