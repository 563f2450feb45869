"""Follow-up tickets: every finding on a visit opens one, with an SLA by severity.

Pure: no AWS. A ticket's id is derived from the visit id and the finding's position, so a
redelivered visit record cannot open a second ticket. An open ticket past its due time moves
one level up (steward -> street -> district) per SLA period overdue, never past district.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from careroute.domain.scope_ids import HasElderScopeIds, scope_ids
from careroute.domain.stable_ids import stable_id
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Finding,
    FindingCategory,
    Severity,
    VisitRecord,
    china_date,
)


class Level(StrEnum):
    """Who must act on a ticket; escalation moves it one step to the right."""

    STEWARD = "steward"
    STREET = "street"
    DISTRICT = "district"


LEVELS = (Level.STEWARD, Level.STREET, Level.DISTRICT)


class TicketSource(StrEnum):
    """What opened a ticket: a finding on a visit, or the daily benefit scan (no visit;
    `visit_id` is empty)."""

    VISIT = "visit"
    BENEFIT = "benefit"
    INSPECTION = "inspection"
    """A rectification item of an inspection result (`visit_id` is the result id, no elder)."""
    UNREACHABLE = "unreachable"
    """An elder nobody found after the policy's failed tries in a month (`visit_id` is the
    try that made it so), or that the month ended without a visit (opened at its close; no
    `visit_id`); opened at street level, once per elder and month."""


class TicketStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class TicketSla:
    """Hours from opening to due, per severity (policy `[tickets]`)."""

    urgent_hours: int = 24
    high_hours: int = 72
    normal_hours: int = 168

    def __post_init__(self) -> None:
        for name in ("urgent_hours", "high_hours", "normal_hours"):
            if getattr(self, name) < 1:
                raise ValueError(f"tickets.{name} must be >= 1")

    def hours(self, severity: Severity) -> int:
        return {
            Severity.URGENT: self.urgent_hours,
            Severity.HIGH: self.high_hours,
            Severity.NORMAL: self.normal_hours,
        }[severity]

    def period(self, severity: Severity) -> timedelta:
        return timedelta(hours=self.hours(severity))


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    visit_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    category: FindingCategory
    severity: Severity
    opened_at: datetime
    due_at: datetime
    level: Level = Level.STEWARD
    status: TicketStatus = TicketStatus.OPEN
    note: str = ""
    closed_at: datetime | None = None
    closed_by: str = ""
    action: str = ""
    result: str = ""
    source: TicketSource = TicketSource.VISIT

    def __post_init__(self) -> None:
        if self.opened_at.tzinfo is None or self.due_at.tzinfo is None:
            raise ValueError("opened_at and due_at must carry a time zone")
        if self.due_at <= self.opened_at:
            raise ValueError("due_at must be after opened_at")

    @property
    def sla(self) -> timedelta:
        return self.due_at - self.opened_at

    def overdue(self, now: datetime) -> bool:
        return self.status is TicketStatus.OPEN and now > self.due_at


def opening_month(ticket: Ticket) -> str:
    """'YYYY-MM' of the opening, in China time: the month a ticket counts in."""
    return ticket.opened_at.astimezone(CHINA_TZ).strftime("%Y-%m")


def due_day(ticket: Ticket) -> date:
    """The China day a ticket falls due on: open tickets are counted per scope and due day."""
    return china_date(ticket.due_at)


@dataclass(frozen=True)
class OpenCount:
    """A scope's open tickets, and how many of them are overdue, at one moment."""

    open: int
    overdue: int


def open_count(due_times: Sequence[datetime], now: datetime) -> OpenCount:
    """The open tickets whose due times are `due_times`, and those of them overdue at `now`."""
    return OpenCount(open=len(due_times), overdue=sum(1 for due in due_times if now > due))


def closed_on_time(ticket: Ticket) -> bool:
    return ticket.closed_at is not None and ticket.closed_at <= ticket.due_at


def ticket_id(visit_id: str, index: int) -> str:
    """Deterministic id of the ticket for finding `index` of visit `visit_id`."""
    return stable_id("tk-", f"{visit_id}#{index}")


def open_ticket(record: VisitRecord, index: int, finding: Finding, sla: TicketSla) -> Ticket:
    """The ticket a finding opens; opened at the visit time, so the same on every delivery."""
    return Ticket(
        ticket_id=ticket_id(record.visit_id, index),
        visit_id=record.visit_id,
        elder_id=record.elder_id,
        **scope_ids(record),
        category=finding.category,
        severity=finding.severity,
        opened_at=record.visited_at,
        due_at=record.visited_at + sla.period(finding.severity),
        note=finding.note,
    )


def unreachable_ticket_id(elder_id: str, month: str) -> str:
    """Deterministic id of the elder's "unreachable" ticket of a month: opened once."""
    return stable_id("tk-", f"unreachable#{elder_id}#{month}")


def unreachable_ticket(last_try: VisitRecord, tries: int, sla_hours: int) -> Ticket:
    """The street office's ticket for an elder nobody found in `tries` failed tries, the last
    of them `last_try`: a welfare concern (health, high), due `sla_hours` after that try."""
    note = f"unreachable: {tries} failed tries in {last_try.month}, nobody found the elder"
    return _welfare_ticket(
        last_try, last_try.month, last_try.visit_id, last_try.visited_at, sla_hours, note
    )


def month_end_ticket(
    elder: HasElderScopeIds, month: str, at: datetime, sla_hours: int, why: str
) -> Ticket:
    """The street office's ticket for an elder `month` ended without a visit (`why`: what the
    records say), opened at the month's close `at`; the same id as the unreachable ticket of
    that month, so an elder already flagged gets no second one."""
    note = f"unreachable: {month} ended without a visit ({why})"
    return _welfare_ticket(elder, month, "", at, sla_hours, note)


def _welfare_ticket(
    elder: HasElderScopeIds, month: str, visit_id: str, at: datetime, sla_hours: int, note: str
) -> Ticket:
    """An "unreachable" ticket: health, high, at street level, due `sla_hours` after `at`."""
    return Ticket(
        ticket_id=unreachable_ticket_id(elder.elder_id, month),
        visit_id=visit_id,
        elder_id=elder.elder_id,
        **scope_ids(elder),
        category=FindingCategory.HEALTH,
        severity=Severity.HIGH,
        opened_at=at,
        due_at=at + timedelta(hours=sla_hours),
        level=Level.STREET,
        note=note,
        source=TicketSource.UNREACHABLE,
    )


def tickets_for(record: VisitRecord, sla: TicketSla) -> list[Ticket]:
    """One ticket per finding of the visit, in finding order."""
    return [open_ticket(record, i, f, sla) for i, f in enumerate(record.findings)]


def level_due(ticket: Ticket, now: datetime) -> Level:
    """The level an open ticket should be at `now`: one step up per SLA period (or part of
    one) past due, at most district."""
    if not ticket.overdue(now):
        return Level.STEWARD
    periods = -(-(now - ticket.due_at) // ticket.sla)  # ceiling division of timedeltas
    return LEVELS[min(int(periods), len(LEVELS) - 1)]


def escalate(ticket: Ticket, now: datetime) -> Ticket:
    """The ticket raised to the level due at `now`; levels never go down, closed tickets and
    tickets not yet due are returned unchanged."""
    if ticket.status is not TicketStatus.OPEN:
        return ticket
    target = level_due(ticket, now)
    if LEVELS.index(target) <= LEVELS.index(ticket.level):
        return ticket
    return replace(ticket, level=target)


def close(ticket: Ticket, at: datetime, by: str, action: str, result: str) -> Ticket:
    if ticket.status is TicketStatus.CLOSED:
        raise ValueError("the ticket is closed already")
    if not action.strip() or not result.strip():
        raise ValueError("closing a ticket needs an action and a result")
    return replace(
        ticket,
        status=TicketStatus.CLOSED,
        closed_at=at,
        closed_by=by,
        action=action.strip(),
        result=result.strip(),
    )
