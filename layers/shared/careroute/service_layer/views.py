"""How a use case shows a domain value: most fields of a bed, a booking, a claim or a request
go out as they are named, so a view names those fields once and writes out only the ones it
shows differently (a time in UTC, a sorted set, a figure computed from the policy). A JSON view
(`json_fields`) shows a day as ISO text and an enum as its value; a response model
(`attributes`) validates the values as they are."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any


def attributes(value: object, *names: str) -> dict[str, Any]:
    """The attributes `names` of `value`, keyed by their names (for a model's fields of the
    same names)."""
    return {name: getattr(value, name) for name in names}


def json_fields(value: object, *names: str) -> dict[str, Any]:
    """The attributes `names` of `value`, keyed by their names: a day (or a time) as ISO
    text, an enum as its value, anything else (None too) unchanged."""
    return {name: _json(field) for name, field in attributes(value, *names).items()}


def _json(field: object) -> object:
    if isinstance(field, Enum):
        return field.value
    if isinstance(field, date):  # a datetime too, with its own offset
        return field.isoformat()
    return field
