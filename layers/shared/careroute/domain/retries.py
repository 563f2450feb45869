"""After a failed attempt (not home, refused): how the next try is arranged, and when an
elder counts as unreachable.

A failed try opens a contact task for the steward: phone the elder (or the registered
contact) and book a time for the retry, which the planner then puts inside the booked
window. The policy's optional `[retries]` table says whether retries are booked this way.

An elder nobody finds after `unreachable_after` failed tries in a row within a month (no
visit in between) is a welfare concern: the projector opens an "unreachable" ticket for the
street office, due `unreachable_sla_hours` later (see `tickets.unreachable_ticket`).
Pure: no AWS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from careroute.domain.policy_tables import checked, known_table
from careroute.domain.vocabulary import Outcome, VisitRecord

FAILED_ATTEMPTS = frozenset({Outcome.NOT_HOME, Outcome.REFUSED})
"""The outcomes of a try that did not reach the elder."""


@dataclass(frozen=True)
class RetryPolicy:
    book_appointment: bool = True
    """A retry is booked by phone before the steward goes (the route's stop says so)."""
    unreachable_after: int = 3
    """Failed tries in a row within a month that open an "unreachable" ticket."""
    unreachable_sla_hours: int = 48
    """Hours the street office has to find the elder (the ticket's SLA)."""

    def __post_init__(self) -> None:
        for name in ("unreachable_after", "unreachable_sla_hours"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")


KEYS = ("book_appointment", "unreachable_after", "unreachable_sla_hours")


def parse_retry_policy(table: Any, where: str) -> RetryPolicy:
    """The optional `[retries]` table; errors raise ValueError naming the key."""
    table = known_table(table, KEYS, where)
    book = table.get("book_appointment", RetryPolicy.book_appointment)
    if not isinstance(book, bool):
        raise ValueError(f"{where}.book_appointment: expected true or false, got {book!r}")
    values: dict[str, Any] = {"book_appointment": book}
    for name in ("unreachable_after", "unreachable_sla_hours"):
        value = table.get(name, getattr(RetryPolicy, name))
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where}.{name}: expected a whole number, got {value!r}")
        values[name] = value
    return checked(RetryPolicy, values, where)


def unreachable_try(month_visits: Iterable[VisitRecord], after: int) -> VisitRecord | None:
    """The failed try that made the elder unreachable: the `after`-th failed try following
    the month's last visit that reached the elder (all of them when none did), in time order;
    None when there are fewer. `month_visits` are one elder's records of one month, in any
    order and with repeats; the answer depends only on which records there are."""
    records = sorted({r.visit_id: r for r in month_visits}.values(), key=_in_time)
    reached = [i for i, r in enumerate(records) if r.outcome not in FAILED_ATTEMPTS]
    since = records[reached[-1] + 1 :] if reached else records
    failed = [r for r in since if r.outcome in FAILED_ATTEMPTS]
    return failed[after - 1] if len(failed) >= after else None


def _in_time(record: VisitRecord) -> tuple[Any, str]:
    return (record.visited_at, record.visit_id)
