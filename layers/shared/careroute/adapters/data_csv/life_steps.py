"""The cells of an item's life steps (a bed's days, a benefit claim's times), checked alike:
given exactly for the steps its status has reached, and each not before the one before."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from careroute.adapters.registry_csv.rows import Row


def check_reached(
    row: Row,
    fields: tuple[str, ...],
    reached: frozenset[str],
    item: str,
    status: str,
    may_have: frozenset[str] = frozenset(),
) -> None:
    """Each field of `reached` given, and no other but those of `may_have` (steps the item
    may have taken before its status, e.g. a closed bed's build)."""
    for field in fields:
        given = row.get(field) != ""
        if field in reached and not given:
            row.error(field, f"is empty but the {item} is {status}")
        elif given and field not in reached | may_have:
            row.error(field, f"must be empty while the {item} is {status}")


def check_in_order(row: Row, steps: Mapping[str, date | None]) -> None:
    """Each step's day or time (in the life's order) not before the last one given."""
    previous: tuple[str, date] | None = None
    for field, when in steps.items():
        if when is None:
            continue
        if previous is not None and when < previous[1]:
            row.error(field, f"{when.isoformat()} is before {previous[0]}")
        previous = (field, when)
