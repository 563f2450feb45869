"""How a use case shows a domain value in JSON: most fields of a bed, a booking or a request
go out as they are named, a day as ISO text and an enum as its value, so a view names those
fields once and writes out only the ones it shows differently (a time in UTC, a sorted set)."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any


def json_fields(value: object, *names: str) -> dict[str, Any]:
    """The attributes `names` of `value`, keyed by their names: a day (or a time) as ISO
    text, an enum as its value, anything else (None too) unchanged."""
    return {name: _json(getattr(value, name)) for name in names}


def _json(field: object) -> object:
    if isinstance(field, Enum):
        return field.value
    if isinstance(field, date):  # a datetime too, with its own offset
        return field.isoformat()
    return field
