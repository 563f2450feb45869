"""After a failed attempt (not home, refused): how the next try is arranged.

A failed try opens a contact task for the steward: phone the elder (or the registered
contact) and book a time for the retry, which the planner then puts inside the booked
window. The policy's optional `[retries]` table says whether retries are booked this way.
Pure: no AWS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from careroute.domain.policy_tables import checked, known_table


@dataclass(frozen=True)
class RetryPolicy:
    book_appointment: bool = True
    """A retry is booked by phone before the steward goes (the route's stop says so)."""


def parse_retry_policy(table: Any, where: str) -> RetryPolicy:
    """The optional `[retries]` table; errors raise ValueError naming the key."""
    table = known_table(table, ("book_appointment",), where)
    book = table.get("book_appointment", RetryPolicy.book_appointment)
    if not isinstance(book, bool):
        raise ValueError(f"{where}.book_appointment: expected true or false, got {book!r}")
    return checked(RetryPolicy, {"book_appointment": book}, where)
