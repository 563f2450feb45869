"""Follow-up tickets as the API lists them.

Their own module (re-exported by `messages.api`): the ticket use cases (the hourly escalator,
the benefit scan) need none of the API's other bodies at cold start.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from careroute.domain.tickets import Ticket, TicketSource
from careroute.messages.base import Message


class TicketRow(Message):
    """One follow-up ticket (ids, no names)."""

    ticket_id: str
    visit_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    category: str
    severity: str
    level: str
    status: str
    overdue: bool
    opened_at: datetime
    due_at: datetime
    closed_at: datetime | None = None
    action: str | None = None
    result: str | None = None
    source: str = "visit"
    """visit (a finding; `visit_id` set) or benefit (the daily benefit scan; `visit_id` "")."""
    benefit: str | None = None
    """On benefit tickets: the rule and amount found, e.g. "high_age_90: 300 yuan/month"."""

    @classmethod
    def of(cls, ticket: Ticket, now: datetime) -> TicketRow:
        """The ticket's own fields (enums as their values; what the row does not show, such as
        the note, left out), whether it is overdue at `now`, and empty texts as absent; a
        benefit ticket's note is its rule and amount. The fields are read as they are (`vars`:
        all flat), not copied deep as `asdict` would, ~70 us a row less in a long export."""
        benefit = ticket.note if ticket.source is TicketSource.BENEFIT else None
        return cls.model_validate(
            {
                **vars(ticket),
                "overdue": ticket.overdue(now),
                "action": ticket.action or None,
                "result": ticket.result or None,
                "benefit": benefit,
            }
        )


class TicketList(Message):
    scope: str
    status: str
    count: int = Field(description="Tickets of the scope with that status (all pages)")
    tickets: list[TicketRow] = Field(description="This page, soonest due first")
    next_cursor: str | None = Field(
        default=None, description="Pass as `after` for the next page; None on the last page"
    )
