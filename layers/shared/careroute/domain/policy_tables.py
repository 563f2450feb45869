"""What every policy table's parser shares: the check it starts with (a TOML table, no key
it does not know) and the construction it ends with (the section's settings, whose own
check's error is prefixed with where the table is).

Each domain module parses its own `[section]` of the policy file (quota, eligibility,
inspections, tickets, urgent); sharing these parts means a typo'd key or a value out of
range is refused with the same message wherever it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

S = TypeVar("S")


def known_table(table: Any, keys: Iterable[str], where: str) -> dict[str, Any]:
    """`table` if it is a table whose keys are all among `keys`; else ValueError naming
    `where` (and the unknown keys)."""
    if not isinstance(table, dict):
        raise ValueError(f"{where}: expected a table")
    unknown = set(table) - set(keys)
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    return table


def checked(settings: Callable[..., S], values: dict[str, Any], where: str) -> S:
    """`settings(**values)`; the ValueError of its own check (`__post_init__`) re-raised
    naming `where`."""
    try:
        return settings(**values)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc
