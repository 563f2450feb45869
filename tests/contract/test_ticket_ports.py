"""The ports of tickets after they open, of the scope tree and of the read audit, memory
against DynamoDB: listing by community and by due time, escalation conditional on the level
read, closing once (and counted), which scopes hold which. Then the ticket use cases over the
same tickets on both backends: the same lists, escalations, closings and figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.domain.tickets import Level, Ticket, TicketStatus, close, escalate, tickets_for
from careroute.domain.vocabulary import Outcome, Registry
from careroute.service_layer.tickets import (
    TicketFilter,
    close_ticket,
    escalate_overdue,
    list_tickets,
    overdue_count,
    ticket_figures,
)
from tests.builders import ONE_OF_EACH_SEVERITY
from tests.contract.conftest import Backend, assert_same_answers, dynamodb_backend, memory_backend
from tests.contract.test_projection_ports import MORNING, POLICY, visit


def visit_tickets(city: Registry, n: int, elder: int, at: datetime) -> list[Ticket]:
    """The tickets of a visit to `city.elders[elder]` with the three findings."""
    record = visit(city, n, Outcome.VISITED, at, elder=elder, findings=ONE_OF_EACH_SEVERITY)
    return tickets_for(record, POLICY.tickets)


def other_community_elder(city: Registry) -> int:
    """The index of the city's first elder living outside the first elder's community."""
    home = city.elders[0].community_id
    return next(i for i, e in enumerate(city.elders) if e.community_id != home)


def opened(backend: Backend, city: Registry) -> list[Ticket]:
    """Six tickets: three in the first elder's community, three in another."""
    backend.communities.save_communities(city.communities)
    backend.stewards.save_stewards(city.stewards)
    found = visit_tickets(city, 1, 0, MORNING) + visit_tickets(
        city, 2, other_community_elder(city), MORNING + timedelta(hours=1)
    )
    for ticket in found:
        assert backend.tickets.open_once(ticket) is True
    return found


def ids(tickets: Any) -> list[str]:
    return [t.ticket_id for t in tickets]


def soonest_due(tickets: list[Ticket]) -> list[str]:
    return ids(sorted(tickets, key=lambda t: t.due_at))


def test_tickets_are_listed_by_community_and_the_open_ones_by_due_time(
    backend: Backend, small_city: Registry
) -> None:
    tickets = opened(backend, small_city)
    home = [t for t in tickets if t.community_id == tickets[0].community_id]
    assert ids(backend.tickets.of_community(tickets[0].community_id)) == soonest_due(home)
    assert list(backend.tickets.of_community("C9999")) == []
    assert ids(backend.tickets.open_tickets()) == soonest_due(tickets)
    urgent_due = tickets[0].due_at  # 24 hours after the first visit
    assert ids(backend.tickets.open_due_before(urgent_due)) == []
    later = urgent_due + timedelta(hours=2)
    due = [t for t in tickets if t.due_at < later]
    assert ids(backend.tickets.open_due_before(later)) == soonest_due(due) != []


def test_a_level_rises_only_from_the_level_read_and_only_while_the_ticket_is_open(
    backend: Backend, small_city: Registry
) -> None:
    ticket = opened(backend, small_city)[0]
    store = backend.tickets
    at = ticket.due_at + timedelta(hours=1)
    raised = escalate(ticket, at)
    assert raised.level is Level.STREET
    assert store.save_level(ticket, raised, at) is True
    assert store.save_level(ticket, raised, at) is False  # no longer at the level read
    assert store.get_ticket(ticket.ticket_id) == raised
    closed = close(raised, at, "official-1", "called the family", "moved in with her son")
    assert store.save_closed(closed) is True
    assert store.save_closed(closed) is False
    assert store.get_ticket(ticket.ticket_id) == closed
    assert store.save_level(raised, escalate(raised, at + timedelta(days=3)), at) is False
    assert ticket.ticket_id not in ids(store.open_tickets())
    assert ids(store.of_community(ticket.community_id)).count(ticket.ticket_id) == 1
    unknown = replace(ticket, ticket_id="tk-unknown")
    assert store.save_level(unknown, escalate(unknown, at), at) is False
    assert store.save_closed(close(unknown, at, "x", "a", "b")) is False
    month = MORNING.strftime("%Y-%m")
    where = Scope(ScopeKind.COMMUNITY, ticket.community_id)
    assert backend.coverage.read_ticket_counts(month, where) == {
        "opened": 3,
        "closed": 1,
        "closed_on_time": 0,  # closed an hour after it was due
    }


def test_the_scope_tree_names_the_scopes_above_and_the_communities_below(
    backend: Backend, small_city: Registry
) -> None:
    backend.communities.save_communities(small_city.communities)
    scopes = backend.scopes
    c = small_city.communities[0]
    community = Scope(ScopeKind.COMMUNITY, c.community_id)
    street = Scope(ScopeKind.STREET, c.street_id)
    district = Scope(ScopeKind.DISTRICT, c.district_id)
    city = Scope(ScopeKind.CITY, "all")
    assert scopes.ancestors(community) == (street, district, city)
    assert scopes.ancestors(street) == (district, city)
    assert scopes.ancestors(city) == ()
    assert scopes.ancestors(Scope(ScopeKind.STREET, "S9999")) == ()
    everyone = sorted(x.community_id for x in small_city.communities)
    assert scopes.communities_in(city) == everyone
    assert scopes.communities_in(district) == everyone  # the small city is one district
    on_street = sorted(x.community_id for x in small_city.communities if x.street_id == c.street_id)
    assert scopes.communities_in(street) == on_street
    assert scopes.communities_in(community) == [c.community_id]


def test_reads_of_a_communitys_elders_are_kept_newest_first(backend: Backend) -> None:
    audit = backend.audit
    reader = Actor("steward-sub", Role.STEWARD.value)
    first = Entry(Kind.READ, MORNING, reader, "route", elder_ids=("E000001", "E000002"))
    second = Entry(Kind.READ, MORNING + timedelta(hours=1), reader, "route", elder_ids=("E3",))
    audit.record_community_read("C0001", first)
    audit.record_community_read("C0001", second)
    assert audit.community_reads("C0001") == [second, first]
    assert audit.community_reads("C0002") == []


def test_the_ticket_use_cases_answer_the_same_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    """Escalate twice (a repeated run), list as an official and as the steward, close one,
    close it again, read the month's figures: the same answers on both backends."""
    city = small_city
    official = Caller("official-1", Role.DISTRICT_OFFICIAL, city.elders[0].district_id)
    home = city.elders[0].community_id
    steward = next(s for s in city.stewards if s.community_id == home)
    own = Caller("steward-sub", Role.STEWARD, steward.steward_id)
    month = MORNING.strftime("%Y-%m")
    states = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        tickets = opened(backend, city)
        ports = backend.ticketing
        later = tickets[0].due_at + timedelta(days=2)
        escalated = [escalate_overdue(backend.tickets, later) for _ in range(2)]
        district = Scope(ScopeKind.DISTRICT, city.elders[0].district_id)
        listed = {
            status: list_tickets(official, district, status, later, ports)
            for status in TicketFilter
        }
        every = listed[TicketFilter.ALL].tickets  # read community by community
        assert listed[TicketFilter.OPEN].tickets == [r for r in every if r.status == "open"]
        assert listed[TicketFilter.OVERDUE].tickets == [r for r in every if r.overdue]
        assert listed[TicketFilter.OVERDUE].count > 0
        pages = [list_tickets(official, district, TicketFilter.ALL, later, ports, limit=2)]
        while pages[-1].next_cursor is not None:
            after = pages[-1].next_cursor
            pages.append(
                list_tickets(official, district, TicketFilter.ALL, later, ports, None, 2, after)
            )
        assert [r for p in pages for r in p.tickets] == every and len(pages) > 1
        assert {p.count for p in pages} == {len(every)}
        with pytest.raises(ValidationError):
            list_tickets(official, district, TicketFilter.ALL, later, ports, after="nonsense")
        mine = list_tickets(own, Scope(ScopeKind.COMMUNITY, home), TicketFilter.ALL, later, ports)
        with pytest.raises(ForbiddenError):
            list_tickets(own, district, TicketFilter.ALL, later, ports)
        row = close_ticket(own, tickets[0].ticket_id, "called", "resolved", later, ports)
        with pytest.raises(ConflictError):
            close_ticket(own, tickets[0].ticket_id, "called", "resolved", later, ports)
        with pytest.raises(ForbiddenError):
            close_ticket(own, tickets[3].ticket_id, "called", "resolved", later, ports)
        with pytest.raises(NotFoundError):
            close_ticket(official, "tk-unknown", "called", "resolved", later, ports)
        states.append(
            {
                "escalated": escalated,
                "overdue": overdue_count(backend.tickets, later),
                "listed": listed,
                "mine": mine,
                "closed": row,
                "figures": ticket_figures(district, month, later, ports),
            }
        )
    on_memory, on_dynamodb = states
    assert on_memory["escalated"][0] > 0 and on_memory["escalated"][1] == 0
    assert on_memory["listed"][TicketFilter.OVERDUE].count > 0
    assert on_memory["mine"].count == 3 and on_memory["closed"].status == TicketStatus.CLOSED
    assert on_memory["figures"]["closed"] == 1
    assert_same_answers(on_memory, on_dynamodb)
