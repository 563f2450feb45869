"""Follow-up tickets: SLA per severity from the policy, deterministic ids, escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from careroute.domain.policy import PolicyError, load_policy, parse_policy
from careroute.domain.tickets import (
    Level,
    TicketSla,
    TicketStatus,
    close,
    escalate,
    ticket_id,
    tickets_for,
)
from careroute.domain.vocabulary import Finding, FindingCategory, Severity, VisitRecord
from tests.builders import a_visit

VISITED_AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def visit(*severities: Severity, visit_id: str = "v-1") -> VisitRecord:
    """A T2 visit to E0001 of community C0001 (street S001, district D01) by steward W0001,
    with a health finding of each of `severities`."""
    return a_visit(
        visit_id,
        VISITED_AT,
        elder_id="E0001",
        steward_id="W0001",
        where=("C0001", "S001", "D01"),
        findings=tuple(Finding(FindingCategory.HEALTH, s) for s in severities),
    )


def raw_policy() -> dict:  # type: ignore[type-arg]
    import tomllib

    from careroute.domain.policy import DEFAULT_POLICY_PATH

    return tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))


def test_the_default_policy_sets_urgent_24h_high_3_days_normal_7_days() -> None:
    sla = load_policy().tickets
    assert (sla.urgent_hours, sla.high_hours, sla.normal_hours) == (24, 72, 168)


def test_a_policy_without_a_tickets_table_takes_the_defaults() -> None:
    raw = raw_policy()
    del raw["tickets"]
    assert parse_policy(raw).tickets == TicketSla()


def test_a_partial_tickets_table_keeps_the_defaults_for_the_missing_keys() -> None:
    raw = raw_policy()
    raw["tickets"] = {"urgent_hours": 12}
    assert parse_policy(raw).tickets == TicketSla(urgent_hours=12)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"urgent_hours": "soon"}, "tickets.urgent_hours: expected int"),
        ({"high_hours": 0}, "tickets.high_hours: must be >= 1"),
        ({"normal_days": 7}, "unknown keys ['normal_days']"),
        ("24h", "tickets: expected a table"),
    ],
)
def test_a_bad_tickets_table_names_the_key(table: object, message: str) -> None:
    raw = raw_policy()
    raw["tickets"] = table
    with pytest.raises(PolicyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_policy(raw)


def test_each_finding_opens_a_ticket_due_after_its_severity_sla() -> None:
    urgent, high, normal = tickets_for(
        visit(Severity.URGENT, Severity.HIGH, Severity.NORMAL), TicketSla()
    )
    assert urgent.due_at == VISITED_AT + timedelta(hours=24)
    assert high.due_at == VISITED_AT + timedelta(days=3)
    assert normal.due_at == VISITED_AT + timedelta(days=7)
    assert {t.level for t in (urgent, high, normal)} == {Level.STEWARD}
    assert {t.status for t in (urgent, high, normal)} == {TicketStatus.OPEN}
    assert (urgent.street_id, urgent.district_id) == ("S001", "D01")


def test_ticket_ids_are_the_same_for_the_same_visit_and_finding_and_differ_otherwise() -> None:
    first = [t.ticket_id for t in tickets_for(visit(Severity.URGENT, Severity.NORMAL), TicketSla())]
    again = [t.ticket_id for t in tickets_for(visit(Severity.URGENT, Severity.NORMAL), TicketSla())]
    other = [
        t.ticket_id
        for t in tickets_for(visit(Severity.URGENT, Severity.NORMAL, visit_id="v-2"), TicketSla())
    ]
    assert first == again == [ticket_id("v-1", 0), ticket_id("v-1", 1)]
    assert len(set(first) | set(other)) == 4
    assert all(len(t) <= 64 for t in first)


@pytest.mark.parametrize(
    ("hours_after_visit", "level"),
    [
        (23, Level.STEWARD),
        (24, Level.STEWARD),  # due, not overdue
        (25, Level.STREET),
        (48, Level.STREET),  # one full period overdue
        (49, Level.DISTRICT),
        (24 * 30, Level.DISTRICT),  # never past district
    ],
)
def test_an_overdue_ticket_moves_up_one_level_per_sla_period(
    hours_after_visit: int, level: Level
) -> None:
    (ticket,) = tickets_for(visit(Severity.URGENT), TicketSla())
    assert escalate(ticket, VISITED_AT + timedelta(hours=hours_after_visit)).level is level


def test_escalation_never_lowers_a_level_and_leaves_closed_tickets_alone() -> None:
    (ticket,) = tickets_for(visit(Severity.URGENT), TicketSla())
    at_district = escalate(ticket, VISITED_AT + timedelta(hours=60))
    assert escalate(at_district, VISITED_AT + timedelta(hours=25)).level is Level.DISTRICT
    closed = close(ticket, VISITED_AT + timedelta(hours=2), "W0001", "called GP", "seen")
    assert escalate(closed, VISITED_AT + timedelta(days=9)) == closed
    assert not closed.overdue(VISITED_AT + timedelta(days=9))


def test_closing_records_action_and_result_and_needs_both() -> None:
    (ticket,) = tickets_for(visit(Severity.HIGH), TicketSla())
    at = VISITED_AT + timedelta(hours=5)
    closed = close(ticket, at, "W0001", " fitted grab rail ", "safe")
    assert (closed.status, closed.closed_at, closed.action, closed.result) == (
        TicketStatus.CLOSED,
        at,
        "fitted grab rail",
        "safe",
    )
    with pytest.raises(ValueError, match="closed already"):
        close(closed, at, "W0001", "again", "again")
    with pytest.raises(ValueError, match="action and a result"):
        close(ticket, at, "W0001", " ", "safe")
