"""The duty rota for follow-up tickets: who acts on a ticket its steward cannot reach in time.

A steward acts on their community's tickets on the days they work. A ticket due before the
steward's next working day is over (a weekend, a holiday, leave, a sick call in the morning)
would be late however diligent the steward is, so the escalator hands it, before it is due, to
the duty officer of the street office (or the district's, by policy), who is on duty every
day, non-working days included. Pure: no AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from careroute.domain.policy_tables import known_table
from careroute.domain.tickets import Level, Ticket, TicketStatus
from careroute.domain.vocabulary import CHINA_TZ, china_date, format_clock, parse_clock

if TYPE_CHECKING:  # due.py reads the policy, which reads this module
    from careroute.domain.due import WorkCalendar

DUTY_LEVELS = (Level.STREET, Level.DISTRICT)
"""The offices that can keep a duty officer on every day."""


@dataclass(frozen=True)
class DutyRota:
    """Policy `[ticket_duty]`: whose duty officer takes the tickets, how far ahead the
    escalator looks, and by when on a working day a steward has acted on the day's tickets."""

    level: Level = Level.STREET
    """The office whose duty officer is on duty every day and takes handed-over tickets."""
    hand_over_hours: int = 48
    """Tickets due within this many hours are checked on every escalator run."""
    steward_acts_by: int = 19 * 3600
    """Seconds after midnight: on a working day a steward has closed the tickets they can by
    then (the evening follow-up)."""

    def __post_init__(self) -> None:
        if self.level not in DUTY_LEVELS:
            raise ValueError("ticket_duty.level must be street or district")
        if self.hand_over_hours < 1:
            raise ValueError("ticket_duty.hand_over_hours must be >= 1")
        if not 0 <= self.steward_acts_by < 24 * 3600:
            raise ValueError("ticket_duty.steward_acts_by must be a time of day")

    @property
    def look_ahead(self) -> timedelta:
        return timedelta(hours=self.hand_over_hours)


def _acts_at(day: date, rota: DutyRota) -> datetime:
    midnight = datetime.combine(day, datetime.min.time(), CHINA_TZ)
    return midnight + timedelta(seconds=rota.steward_acts_by)


def steward_acts_in_time(
    ticket: Ticket, calendar: WorkCalendar, now: datetime, rota: DutyRota
) -> bool:
    """Whether the ticket's steward, working the days `calendar` gives, still has a working
    day's follow-up after `now` and no later than the ticket's due time."""
    day, last = china_date(now), china_date(ticket.due_at)
    while day <= last:
        if calendar.works_on(day) and now < _acts_at(day, rota) <= ticket.due_at:
            return True
        day += timedelta(days=1)
    return False


def needs_duty_officer(
    ticket: Ticket, calendar: WorkCalendar, now: datetime, rota: DutyRota
) -> bool:
    """An open ticket still with its steward, not yet due but due within the look-ahead, that
    the steward cannot act on before it is due (one already overdue is escalated instead)."""
    return (
        ticket.status is TicketStatus.OPEN
        and ticket.level is Level.STEWARD
        and now < ticket.due_at <= now + rota.look_ahead
        and not steward_acts_in_time(ticket, calendar, now, rota)
    )


def hand_over(ticket: Ticket, rota: DutyRota) -> Ticket:
    """The ticket at the duty officer's level (its due time unchanged)."""
    return replace(ticket, level=rota.level)


def parse_duty(table: Any, where: str) -> DutyRota:
    """The optional `[ticket_duty]` table; errors raise ValueError naming the key."""
    table = known_table(table, ("level", "hand_over_hours", "steward_acts_by"), where)
    default = DutyRota()
    level = str(table.get("level", default.level.value))
    if level not in {lvl.value for lvl in DUTY_LEVELS}:
        raise ValueError(f"{where}.level: must be street or district, got {level!r}")
    hours = table.get("hand_over_hours", default.hand_over_hours)
    if not isinstance(hours, int) or isinstance(hours, bool) or hours < 1:
        raise ValueError(f"{where}.hand_over_hours: must be a whole number of hours >= 1")
    acts_by = table.get("steward_acts_by", format_clock(default.steward_acts_by))
    try:
        seconds = parse_clock(str(acts_by))
    except ValueError as exc:
        raise ValueError(f"{where}.steward_acts_by: expected HH:MM, got {acts_by!r}") from exc
    return DutyRota(Level(level), hours, seconds)
