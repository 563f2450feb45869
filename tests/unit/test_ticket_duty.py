"""The duty rota: a ticket its steward cannot act on before it is due (a weekend, a holiday,
leave, a sick call) goes to the street's duty officer before it is due; the others stay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from careroute.adapters import memory, memory_visits
from careroute.domain.access import Caller, Role
from careroute.domain.due import WorkCalendar
from careroute.domain.policy import PolicyError, load_policy, parse_policy
from careroute.domain.ticket_duty import DutyRota, needs_duty_officer, steward_acts_in_time
from careroute.domain.tickets import Level, Ticket, TicketStatus
from careroute.domain.vocabulary import CHINA_TZ, Finding, FindingCategory, Registry, Severity
from careroute.service_layer.ticket_escalation import Escalation, run_escalator
from careroute.service_layer.tickets import Ticketing, close_ticket
from tests.builders import a_finding_ticket
from tests.unit.conftest import STREET_AS_OF

POLICY = load_policy()
ROTA = DutyRota()
MONDAY = STREET_AS_OF
FRIDAY = MONDAY + timedelta(days=4)
WEEKDAYS = WorkCalendar(frozenset({5, 6}))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA_TZ)


def a_ticket(severity: Severity, found: datetime) -> Ticket:
    hours = POLICY.tickets.hours(severity)
    return Ticket(
        ticket_id="tk-1",
        visit_id="v-1",
        elder_id="E1",
        community_id="C1",
        street_id="S1",
        district_id="D1",
        category=FindingCategory.HEALTH,
        severity=severity,
        opened_at=found,
        due_at=found + timedelta(hours=hours),
    )


def test_the_default_policy_has_a_street_duty_officer_looking_two_days_ahead() -> None:
    assert POLICY.ticket_duty == DutyRota(Level.STREET, 48, 19 * 3600)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"level": "steward"}, "level"),
        ({"hand_over_hours": 0}, "hand_over_hours"),
        ({"steward_acts_by": "7pm"}, "steward_acts_by"),
        ({"rota": "street"}, "unknown keys"),
    ],
)
def test_a_bad_duty_table_names_the_key(table: dict[str, object], message: str) -> None:
    raw = {**_raw_policy(), "ticket_duty": table}
    with pytest.raises(PolicyError, match=message):
        parse_policy(raw)


def _raw_policy() -> dict[str, object]:
    import tomllib
    from importlib import resources

    text = resources.files("careroute.domain").joinpath("default_policy.toml").read_text()
    return tomllib.loads(text)


def test_a_high_ticket_found_on_friday_morning_stays_with_a_steward_who_works_that_evening() -> (
    None
):
    # due Monday 10:00; Friday's follow-up at 19:00 comes first
    ticket = a_ticket(Severity.HIGH, at(FRIDAY, 10))
    assert steward_acts_in_time(ticket, WEEKDAYS, at(FRIDAY, 12), ROTA)
    assert not needs_duty_officer(ticket, WEEKDAYS, at(FRIDAY, 12), ROTA)


def test_left_open_after_fridays_follow_up_a_ticket_due_monday_morning_goes_on_duty() -> None:
    ticket = a_ticket(Severity.HIGH, at(FRIDAY, 10))  # due Monday 10:00, before 19:00
    saturday = FRIDAY + timedelta(days=1)
    assert not needs_duty_officer(ticket, WEEKDAYS, at(FRIDAY, 20), ROTA)  # 62 h ahead
    assert needs_duty_officer(ticket, WEEKDAYS, at(saturday, 20), ROTA)


def test_a_ticket_due_after_the_next_working_days_follow_up_stays_with_the_steward() -> None:
    ticket = a_ticket(Severity.URGENT, at(MONDAY, 19, 30))  # due Tuesday 19:30
    assert not needs_duty_officer(ticket, WEEKDAYS, at(MONDAY, 20), ROTA)


def test_a_sick_or_holiday_day_counts_as_a_day_the_steward_does_not_act() -> None:
    ticket = a_ticket(Severity.URGENT, at(MONDAY, 19, 30))  # due Tuesday 19:30
    tuesday_off = replace(WEEKDAYS, closed=frozenset({MONDAY + timedelta(days=1)}))
    assert needs_duty_officer(ticket, tuesday_off, at(MONDAY, 20), ROTA)


def test_only_open_steward_level_tickets_due_within_the_look_ahead_are_handed_over() -> None:
    nobody = WorkCalendar(frozenset(range(7)))
    normal = a_ticket(Severity.NORMAL, at(MONDAY, 10))  # due in 7 days
    assert not needs_duty_officer(normal, nobody, at(MONDAY, 20), ROTA)
    assert needs_duty_officer(normal, nobody, normal.due_at - timedelta(hours=47), ROTA)
    street = replace(normal, level=Level.STREET)
    closed = replace(normal, status=TicketStatus.CLOSED, closed_at=at(MONDAY, 11))
    for ticket in (street, closed):
        assert not needs_duty_officer(ticket, nobody, normal.due_at - timedelta(hours=1), ROTA)
    # one already overdue is the escalation's
    assert not needs_duty_officer(normal, nobody, normal.due_at + timedelta(hours=1), ROTA)


@pytest.fixture
def escalation(one_street: Registry) -> Escalation:
    stewards = memory.MemoryStewards()
    stewards.save_stewards(one_street.stewards)
    coverage = memory_visits.MemoryCoverage()
    return Escalation(memory_visits.MemoryTickets(coverage), stewards, memory.MemoryHolidays())


def found_by(one_street: Registry, steward: int, severity: Severity, when: datetime) -> Ticket:
    """The ticket of a safety hazard found at `when` by `one_street.stewards[steward]`."""
    hazard = Finding(FindingCategory.SAFETY_HAZARD, severity, "a loose rail")
    return a_finding_ticket(one_street, steward, hazard, when, POLICY.tickets)


def test_the_escalator_hands_a_sick_stewards_urgent_ticket_to_the_street_once(
    escalation: Escalation, one_street: Registry
) -> None:
    sick, well = one_street.stewards[0], one_street.stewards[1]
    # a neighbour covering the sick steward finds an urgent need on Monday at 10:00
    covered = found_by(one_street, 0, Severity.URGENT, at(MONDAY, 10))
    # and the neighbour's own steward finds one after Monday's follow-up: due Tuesday 19:30
    own = found_by(one_street, 1, Severity.URGENT, at(MONDAY, 19, 30))
    for ticket in (covered, own):
        escalation.tickets.open_once(ticket)
    escalation.stewards.set_leave(sick.steward_id, [MONDAY, MONDAY + timedelta(days=1)])
    assert WorkCalendar.of(well).works_on(MONDAY + timedelta(days=1))

    done = run_escalator(at(MONDAY, 20), POLICY.ticket_duty, escalation)

    assert (done.handed_over, done.escalated) == (1, 0)
    assert escalation.tickets.get_ticket(covered.ticket_id).level is Level.STREET
    assert escalation.tickets.get_ticket(own.ticket_id).level is Level.STEWARD
    assert run_escalator(at(MONDAY, 21), POLICY.ticket_duty, escalation).handed_over == 0


def test_the_street_duty_officer_closes_a_handed_over_ticket_before_it_is_due(
    escalation: Escalation, one_street: Registry
) -> None:
    sick = one_street.stewards[0]
    ticket = found_by(one_street, 0, Severity.URGENT, at(MONDAY, 10))
    escalation.tickets.open_once(ticket)
    escalation.stewards.set_leave(sick.steward_id, [MONDAY, MONDAY + timedelta(days=1)])
    run_escalator(at(MONDAY, 20), POLICY.ticket_duty, escalation)
    communities = memory.MemoryCommunities()
    communities.save_communities(one_street.communities)
    ticketing = Ticketing(
        escalation.tickets,
        memory_visits.MemoryCoverage(),
        escalation.stewards,
        memory.MemoryScopes(communities),
    )
    officer = Caller("duty-officer", Role.STREET_OFFICIAL, ticket.street_id)

    row = close_ticket(
        officer, ticket.ticket_id, "phoned the family", "resolved", at(MONDAY, 20, 30), ticketing
    )

    assert row.status == "closed" and row.closed_at is not None
    assert row.closed_at <= ticket.due_at
