"""The check every policy table's parser starts with: a TOML table, no key it does not know.

Each domain module parses its own `[section]` of the policy file (quota, eligibility,
inspections, tickets); this is the part they share, so a typo'd key is refused with the
same message wherever it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def known_table(table: Any, keys: Iterable[str], where: str) -> dict[str, Any]:
    """`table` if it is a table whose keys are all among `keys`; else ValueError naming
    `where` (and the unknown keys)."""
    if not isinstance(table, dict):
        raise ValueError(f"{where}: expected a table")
    unknown = set(table) - set(keys)
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    return table
