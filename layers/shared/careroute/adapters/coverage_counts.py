"""Which coverage counters a visit and a ticket move: the same in the coverage table
(`dynamodb/coverage.py`) and in its memory twin (`memory_visits.py`), so written once here.
Each counter is named as the table's attribute names it (`visits_made`, `outcome_<name>`,
`tickets_opened`)."""

from __future__ import annotations

from collections.abc import Iterator

from careroute.domain.coverage import ALL_TIERS, Scope, record_scopes, scopes_of
from careroute.domain.tickets import Ticket, closed_on_time, opening_month
from careroute.domain.vocabulary import VisitRecord


def visit_counts(record: VisitRecord, count_elder: bool) -> Iterator[tuple[Scope, str, list[str]]]:
    """Each (scope, tier) cell of the record's month that the visit counts in (its scopes, in
    its tier and in ALL) with the counters it adds one to there: the visit, its outcome and,
    when `count_elder`, the elder."""
    names = ["visits_made", f"outcome_{record.outcome.value}"]
    if count_elder:
        names.append("elders_visited")
    for scope in record_scopes(record):
        for tier in (record.tier.value, ALL_TIERS):
            yield scope, tier, names


def ticket_counts(ticket: Ticket, *, opened: bool) -> tuple[str, tuple[Scope, ...], list[str]]:
    """The month a ticket counts in (the one it opened in, also when it closes later), its
    scopes, and the counters opening or closing it adds one to in each."""
    if opened:
        names = ["tickets_opened"]
    else:
        names = ["tickets_closed"]
        if closed_on_time(ticket):
            names.append("tickets_closed_on_time")
    scopes = scopes_of(ticket.community_id, ticket.street_id, ticket.district_id)
    return opening_month(ticket), scopes, names
