"""The ticket escalator's run: tickets no steward can reach in time go to the duty officer,
overdue ones move up a level, and whoever held and holds each is told.

Apart from the tickets' reads and closing over the API (`service_layer/tickets.py`): telling
loads the notices of every kind (incidents, benefits), which the API does not need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from careroute.domain.due import WorkCalendar
from careroute.domain.errors import NotFoundError
from careroute.domain.ticket_duty import DutyRota, hand_over, needs_duty_officer
from careroute.domain.vocabulary import Steward
from careroute.service_layer.notifications import Notices, Told, tell_overdue_tickets
from careroute.service_layer.ports import HolidayCalendar, StewardRepository, TicketRepository
from careroute.service_layer.tickets import escalate_overdue

ALL_DAYS = frozenset(range(7))
"""The weekdays off of a community with no steward: nobody there acts on its tickets."""


@dataclass(frozen=True)
class Escalation:
    """The ports the escalator reads and writes: the tickets, and the stewards and holidays
    that say whether a ticket's steward can still act on it in time."""

    tickets: TicketRepository
    stewards: StewardRepository
    holidays: HolidayCalendar
    notices: Notices | None = None
    """Who is told of overdue tickets; None tells nobody (the memory simulation)."""


@dataclass(frozen=True)
class EscalatorRun:
    handed_over: int
    """Tickets handed to the duty officer before they were due."""
    escalated: int
    """Overdue tickets moved up a level."""
    told: Told = field(default_factory=Told)
    """Notices of overdue tickets sent (or failed) by this run."""


def hand_over_to_duty(now: datetime, rota: DutyRota, ports: Escalation) -> int:
    """Hand every open steward-level ticket due within the look-ahead whose steward will not
    be at work before it is due (days off, holidays, leave, sick days) to the duty officer;
    the count handed over. Safe to run twice (each update is conditional on the level read)."""
    holidays, workdays = frozenset(ports.holidays.holidays()), ports.holidays.workdays()
    stewards: dict[str, Steward | None] = {}
    handed = 0
    for ticket in ports.tickets.open_due_before(now + rota.look_ahead):
        if ticket.community_id not in stewards:
            stewards[ticket.community_id] = _steward_of(ports.stewards, ticket.community_id)
        steward = stewards[ticket.community_id]
        calendar = (
            WorkCalendar.of(steward, holidays, workdays) if steward else WorkCalendar(ALL_DAYS)
        )
        if needs_duty_officer(ticket, calendar, now, rota) and ports.tickets.save_level(
            ticket, hand_over(ticket, rota), now
        ):
            handed += 1
    return handed


def _steward_of(stewards: StewardRepository, community_id: str) -> Steward | None:
    try:
        return stewards.steward_of_community(community_id)
    except NotFoundError:
        return None


def run_escalator(now: datetime, rota: DutyRota, ports: Escalation) -> EscalatorRun:
    """The escalator's run: first the tickets no steward can reach in time go to the duty
    officer, then the overdue ones move up, and whoever held and holds each is told."""
    handed = hand_over_to_duty(now, rota, ports)
    escalated = escalate_overdue(ports.tickets, now)
    if ports.notices is None:
        return EscalatorRun(handed, escalated)
    told = tell_overdue_tickets(ports.tickets, ports.stewards, now, ports.notices)
    return EscalatorRun(handed, escalated, told)
