"""The registry fields an official may change (status, categories, address, window), as
their API (JSON) values, and an elder with such values applied. A change is compared and
kept in the elder's history in these values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from careroute.domain.vocabulary import Category, Elder, ElderStatus, TimeWindow, format_clock

ELDER_FIELDS: dict[str, Callable[[Elder], Any]] = {
    "status": lambda e: e.status.value,
    "categories": lambda e: sorted(c.value for c in e.categories),
    "address": lambda e: e.address,
    "window": lambda e: {"start": format_clock(e.window.start), "end": format_clock(e.window.end)},
}
"""The registry fields a change may touch, as their API (JSON) values."""


def with_fields(elder: Elder, values: Mapping[str, Any]) -> Elder:
    """The elder with `values` (API values of ELDER_FIELDS names) in place of its own."""
    changed = elder
    for name, value in values.items():
        if name == "status":  # an official's change of status ends any known stay
            changed = replace(changed, status=ElderStatus(value), stay=None)
        elif name == "categories":
            changed = replace(changed, categories=frozenset(Category(c) for c in value))
        elif name == "address":
            changed = replace(changed, address=str(value))
        elif name == "window":
            changed = replace(changed, window=TimeWindow.parse(value["start"], value["end"]))
        else:
            raise ValueError(f"{name} is not a registry field a change may touch")
    return changed
