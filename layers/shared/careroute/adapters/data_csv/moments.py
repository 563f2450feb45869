"""A moment cell (an ISO 8601 date and time with its offset, e.g. 2026-12-01T08:30:00+08:00),
read and written alike by the files that record when something was done."""

from __future__ import annotations

from datetime import datetime

from careroute.adapters.registry_csv.rows import Row


def moment(row: Row, field: str) -> datetime | None:
    """The row's `field` as an aware datetime; an error recorded when it is not one."""
    value = row.text(field)
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        row.error(field, f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM:SS+08:00)")
        return None
    if when.tzinfo is None:
        row.error(field, f"{value!r} has no UTC offset (e.g. +08:00)")
        return None
    return when


def moment_text(when: datetime) -> str:
    return when.isoformat()
