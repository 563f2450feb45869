"""The JSON documents some tables keep a domain value as: most of a value's fields go into its
document as they are (ids, counts, notes), so a document names those once and writes out
only the fields it converts (dates as ISO text, enums as their values); reading it back takes
the same names the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_stored(value: object, *names: str) -> dict[str, Any]:
    """The attributes `names` of `value`, unchanged, keyed by their names."""
    return {name: getattr(value, name) for name in names}


def as_read(document: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """The entries `names` of a stored document, unchanged (what `as_stored` wrote)."""
    return {name: document[name] for name in names}
