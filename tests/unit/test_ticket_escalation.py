"""Tickets after they open, on the memory adapters: the hourly escalation, the lists officials
and stewards may see, closing with a result, and the month's figures."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from careroute.adapters import memory, memory_visits
from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import ConflictError, ForbiddenError, ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.tickets import Level, Ticket, TicketSource
from careroute.domain.vocabulary import CHINA_TZ, Finding, FindingCategory, Registry, Severity
from careroute.service_layer.tickets import (
    TicketFilter,
    Ticketing,
    close_ticket,
    escalate_overdue,
    list_tickets,
    overdue_count,
    ticket_figures,
)
from tests.builders import a_finding_ticket
from tests.unit.conftest import STREET_AS_OF

DAY = STREET_AS_OF
VISITED = datetime.combine(DAY, time(10, 0), CHINA_TZ)
POLICY = load_policy()


@pytest.fixture
def ports(one_street: Registry) -> Ticketing:
    communities, coverage = memory.MemoryCommunities(), memory_visits.MemoryCoverage()
    communities.save_communities(one_street.communities)
    stewards = memory.MemoryStewards()
    stewards.save_stewards(one_street.stewards)
    return Ticketing(
        memory_visits.MemoryTickets(coverage), coverage, stewards, memory.MemoryScopes(communities)
    )


def found_on_visit(one_street: Registry, steward: int, severity: Severity) -> Ticket:
    """The ticket of one need found at VISITED by `one_street.stewards[steward]`."""
    need = Finding(FindingCategory.HEALTH, severity, "a need")
    return a_finding_ticket(one_street, steward, need, VISITED, POLICY.tickets)


def opened(ports: Ticketing, registry: Registry, *severities: Severity) -> list[Ticket]:
    """One ticket per severity, the n-th found on a visit by steward n, opened in `ports`."""
    tickets = [found_on_visit(registry, n, severity) for n, severity in enumerate(severities)]
    for ticket in tickets:
        ports.tickets.open_once(ticket)
    return tickets


def steward_of(one_street: Registry, n: int) -> Caller:
    return Caller(f"sub-{n}", Role.STEWARD, one_street.stewards[n].steward_id)


def test_an_overdue_ticket_rises_one_level_per_sla_period_and_a_repeated_run_raises_none(
    ports: Ticketing, one_street: Registry
) -> None:
    # the urgent one is due 24 h after the visit, the normal one in 7 days
    urgent, normal = opened(ports, one_street, Severity.URGENT, Severity.NORMAL)
    assert escalate_overdue(ports.tickets, urgent.due_at) == 0  # due, not yet past due
    one_period_late = urgent.due_at + timedelta(hours=1)
    assert escalate_overdue(ports.tickets, one_period_late) == 1
    assert escalate_overdue(ports.tickets, one_period_late) == 0
    assert ports.tickets.get_ticket(urgent.ticket_id).level is Level.STREET
    two_periods_late = urgent.due_at + timedelta(hours=25)
    assert escalate_overdue(ports.tickets, two_periods_late) == 1
    assert ports.tickets.get_ticket(urgent.ticket_id).level is Level.DISTRICT
    assert ports.tickets.get_ticket(normal.ticket_id).level is Level.STEWARD
    assert overdue_count(ports.tickets, two_periods_late) == 1


def test_officials_list_their_scope_and_a_steward_only_their_own_community(
    ports: Ticketing, one_street: Registry
) -> None:
    first, second = opened(ports, one_street, Severity.HIGH, Severity.HIGH)
    district = Scope(ScopeKind.DISTRICT, first.district_id)
    official = Caller("official", Role.DISTRICT_OFFICIAL, first.district_id)
    now = VISITED + timedelta(hours=1)
    listed = list_tickets(official, district, TicketFilter.OPEN, now, ports)
    assert [row.ticket_id for row in listed.tickets] == sorted([first.ticket_id, second.ticket_id])
    assert list_tickets(official, district, TicketFilter.OVERDUE, now, ports).count == 0
    assert list_tickets(official, district, TicketFilter.CLOSED, now, ports).count == 0
    benefit = list_tickets(official, district, TicketFilter.ALL, now, ports, TicketSource.BENEFIT)
    assert benefit.count == 0
    street = Caller("official", Role.STREET_OFFICIAL, first.street_id)
    with pytest.raises(ForbiddenError):
        list_tickets(street, district, TicketFilter.OPEN, now, ports)
    own = Scope(ScopeKind.COMMUNITY, first.community_id)
    mine = list_tickets(steward_of(one_street, 0), own, TicketFilter.ALL, now, ports)
    assert [row.ticket_id for row in mine.tickets] == [first.ticket_id]
    with pytest.raises(ForbiddenError, match="their own community"):
        list_tickets(steward_of(one_street, 1), own, TicketFilter.ALL, now, ports)


def test_a_ticket_closes_once_with_a_result_and_counts_as_closed_on_time(
    ports: Ticketing, one_street: Registry
) -> None:
    ticket = found_on_visit(one_street, 0, Severity.HIGH)
    ports.tickets.open_once(ticket)
    now = VISITED + timedelta(days=1)
    with pytest.raises(ForbiddenError):
        close_ticket(steward_of(one_street, 1), ticket.ticket_id, "called", "fine", now, ports)
    with pytest.raises(ValidationError):
        close_ticket(steward_of(one_street, 0), ticket.ticket_id, " ", "fine", now, ports)
    row = close_ticket(steward_of(one_street, 0), ticket.ticket_id, " called ", "fine", now, ports)
    assert (row.status, row.action, row.result, row.closed_at) == ("closed", "called", "fine", now)
    with pytest.raises(ConflictError, match="closed already"):
        close_ticket(steward_of(one_street, 0), ticket.ticket_id, "again", "fine", now, ports)
    figures = ticket_figures(Scope(ScopeKind.CITY, "all"), "2026-12", now, ports)
    assert figures == {
        "opened": 1,
        "closed": 1,
        "closed_on_time": 1,
        "closed_on_time_rate": 1.0,
        "open_now": 0,
        "overdue_now": 0,
    }


def test_the_figures_count_the_tickets_open_and_overdue_now_within_the_scope(
    ports: Ticketing, one_street: Registry
) -> None:
    urgent, _ = opened(ports, one_street, Severity.URGENT, Severity.NORMAL)
    later = urgent.due_at + timedelta(hours=1)
    own = Scope(ScopeKind.COMMUNITY, urgent.community_id)
    assert ticket_figures(own, "2026-12", later, ports) == {
        "opened": 1,
        "closed": 0,
        "closed_on_time": 0,
        "closed_on_time_rate": None,
        "open_now": 1,
        "overdue_now": 1,
    }
    district = Scope(ScopeKind.DISTRICT, urgent.district_id)
    figures = ticket_figures(district, "2026-12", later, ports)
    assert (figures["opened"], figures["open_now"], figures["overdue_now"]) == (2, 2, 1)
