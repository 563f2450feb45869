"""The daily benefit scan and stewards' leave, on the memory adapters."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from careroute.adapters import memory, memory_visits
from careroute.domain.access import Caller, Role
from careroute.domain.errors import ForbiddenError, NotFoundError, ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.tickets import TicketSource
from careroute.service_layer.eligibility import BenefitScan, scan
from careroute.service_layer.leave import LeaveKeeping, replace_leave, steward_leave
from tests.builders import CITY_ADMIN, a_community, a_steward, an_elder

POLICY = load_policy()
BIRTHDAY = date(2026, 3, 15)
AT = datetime(2026, 3, 15, 1, 0, tzinfo=UTC)
HOME = a_community()
STEWARD = a_steward()
TODAY = date(2026, 12, 7)


def test_an_elder_turning_80_is_notified_once_and_gets_a_task_for_the_next_visit() -> None:
    ports = BenefitScan(
        memory.MemoryCommunities(),
        memory.MemoryElders(),
        memory_visits.MemoryTickets(memory_visits.MemoryCoverage()),
    )
    ports.communities.save_communities([HOME])
    turning = replace(an_elder(born=date(1946, 3, 15)), elder_id="E1")
    younger = replace(an_elder(born=date(1960, 1, 1)), elder_id="E2")
    ports.elders.save_elders([turning, younger])
    first = scan(BIRTHDAY, AT, POLICY.benefits, POLICY.tickets, ports)
    assert (first.found, first.notified, dict(first.by_rule)) == (1, 1, {"high_age_80": 1})
    assert ports.elders.get_elder("C1", "E1").benefit_tasks == {"high_age_80"}
    [ticket] = ports.tickets.of_community("C1")
    assert (ticket.source, ticket.elder_id, ticket.opened_at) == (TicketSource.BENEFIT, "E1", AT)
    again = scan(BIRTHDAY, AT, POLICY.benefits, POLICY.tickets, ports)
    assert (again.found, again.notified) == (0, 0)


@pytest.fixture
def leave_ports() -> LeaveKeeping:
    communities = memory.MemoryCommunities()
    communities.save_communities([HOME])
    ports = LeaveKeeping(memory.MemoryStewards(), memory.MemoryScopes(communities))
    ports.stewards.save_stewards([STEWARD])
    return ports


def test_an_official_over_the_community_replaces_leave_and_learns_which_planned_days_it_hits(
    leave_ports: LeaveKeeping,
) -> None:
    official = Caller("official", Role.STREET_OFFICIAL, "S1")
    tomorrow = TODAY + timedelta(days=1)
    stored, newly_away = replace_leave(
        official, "W1", [TODAY + timedelta(days=9), tomorrow], TODAY, leave_ports
    )
    assert stored.dates == [tomorrow, TODAY + timedelta(days=9)]
    assert newly_away == [tomorrow]
    _, again = replace_leave(official, "W1", [tomorrow], TODAY, leave_ports)
    assert again == []  # already away that day
    assert steward_leave(Caller("sub", Role.STEWARD, "W1"), "W1", leave_ports).dates == [tomorrow]


def test_leave_is_refused_to_other_scopes_to_stewards_and_for_unknown_stewards(
    leave_ports: LeaveKeeping,
) -> None:
    with pytest.raises(ForbiddenError):
        replace_leave(Caller("o", Role.STREET_OFFICIAL, "S9"), "W1", [], TODAY, leave_ports)
    with pytest.raises(ForbiddenError):
        replace_leave(Caller("s", Role.STEWARD, "W1"), "W1", [], TODAY, leave_ports)
    with pytest.raises(ForbiddenError):
        steward_leave(Caller("s", Role.STEWARD, "W2"), "W1", leave_ports)
    with pytest.raises(NotFoundError):
        steward_leave(CITY_ADMIN, "W9", leave_ports)
    with pytest.raises(ValidationError, match="each date may appear once"):
        replace_leave(CITY_ADMIN, "W1", [TODAY, TODAY], TODAY, leave_ports)
