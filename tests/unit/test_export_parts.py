"""The ticket export in parts, on the memory adapters: the parts of a CSV, written one after
the other, are byte for byte the file of the whole list (the first part alone carries the
byte-order mark and the headers), whatever the part size, for the scopes whose list comes
from the open tickets kept per scope (a district, the city) and for those read community by
community (a street), ties of due time included."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from careroute.adapters import memory, memory_visits
from careroute.adapters.export_files import ExportFormat, export_file
from careroute.domain.access import Caller, Role
from careroute.domain.errors import ForbiddenError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Finding, FindingCategory, Registry, Severity
from careroute.service_layer.exports import TicketsAsked, tickets_export
from careroute.service_layer.tickets import TicketFilter, Ticketing
from tests.builders import a_finding_ticket
from tests.unit.conftest import STREET_AS_OF

FOUND = datetime.combine(STREET_AS_OF, time(10, 0), CHINA_TZ)
CITY_ADMIN = Caller("sub-admin", Role.CITY_ADMIN, "")


def street_tickets(one_street: Registry) -> Ticketing:
    """One ticket per steward and severity of the three communities (tickets of one severity
    fall due at the same moment: ties broken by id), opened in memory."""
    communities, coverage = memory.MemoryCommunities(), memory_visits.MemoryCoverage()
    communities.save_communities(one_street.communities)
    stewards = memory.MemoryStewards()
    stewards.save_stewards(one_street.stewards)
    tickets = memory_visits.MemoryTickets(coverage)
    for n in range(len(one_street.stewards)):
        for severity in Severity:
            need = Finding(FindingCategory.HEALTH, severity, "a need")
            ticket = a_finding_ticket(one_street, n, need, FOUND, load_policy().tickets)
            assert tickets.open_once(ticket)
    return Ticketing(tickets, coverage, stewards, memory.MemoryScopes(communities))


@pytest.fixture
def ports(one_street: Registry) -> Ticketing:
    return street_tickets(one_street)


def joined_parts(ports: Ticketing, scope: str, status: TicketFilter, size: int) -> list[bytes]:
    """Every part of the CSV export, `size` rows each, following the cursor from the first."""
    now = FOUND + timedelta(days=4)
    parts, after = [], None
    while True:
        part = tickets_export(
            CITY_ADMIN, TicketsAsked(scope, status, None, size, after), now, ports
        )
        assert part.first is (after is None)
        assert len(part.table.rows) <= size
        parts.append(export_file(part.table, ExportFormat.CSV, part.first).body)
        if part.next_cursor is None:
            return parts
        after = part.next_cursor


@pytest.mark.parametrize("size", [1, 2, 5])
@pytest.mark.parametrize("status", [TicketFilter.OPEN, TicketFilter.OVERDUE])
@pytest.mark.parametrize("kind", ["city", "district", "street"])
def test_the_csv_parts_joined_are_the_whole_files_bytes(
    ports: Ticketing, one_street: Registry, kind: str, status: TicketFilter, size: int
) -> None:
    community = one_street.communities[0]
    scope = {
        "city": "city",
        "district": f"district:{community.district_id}",
        "street": f"street:{community.street_id}",
    }[kind]
    now = FOUND + timedelta(days=4)
    whole = tickets_export(CITY_ADMIN, TicketsAsked(scope, status), now, ports).table
    rows = len(whole.rows)
    assert rows >= 2  # a street's overdue: its steward's urgent and high tickets
    parts = joined_parts(ports, scope, status, size)
    assert len(parts) == -(-rows // size)
    assert parts[0].startswith(b"\xef\xbb\xbf")
    assert not any(part.startswith(b"\xef\xbb\xbf") for part in parts[1:])
    assert b"".join(parts) == export_file(whole, ExportFormat.CSV).body


def test_a_part_after_the_last_ticket_is_empty_and_names_no_next_part(ports: Ticketing) -> None:
    now = FOUND + timedelta(days=2)
    first = tickets_export(CITY_ADMIN, TicketsAsked("city", limit=100), now, ports)
    assert first.next_cursor is None and first.first
    last_due = max(row[13] for row in first.table.rows)
    assert isinstance(last_due, datetime)
    cursor = f"{last_due.replace(tzinfo=CHINA_TZ).isoformat()}|~"
    after = tickets_export(CITY_ADMIN, TicketsAsked("city", limit=2, after=cursor), now, ports)
    assert after.table.rows == [] and after.next_cursor is None and not after.first


def test_a_steward_exports_no_part(ports: Ticketing, one_street: Registry) -> None:
    steward = Caller("sub-0", Role.STEWARD, one_street.stewards[0].steward_id)
    scope = f"community:{one_street.stewards[0].community_id}"
    with pytest.raises(ForbiddenError):
        tickets_export(steward, TicketsAsked(scope, limit=2), FOUND, ports)
