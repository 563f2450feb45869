"""How a moment is stored: fixed-width UTC ISO text, so comparing the strings (in key
conditions and sort keys) compares the moments; and a day that may be absent, as ISO text."""

from __future__ import annotations

from datetime import UTC, date, datetime


def instant_text(at: datetime) -> str:
    """A moment as fixed-width UTC ISO text: comparing the strings compares the moments."""
    if at.tzinfo is None:
        raise ValueError("a stored moment must carry a time zone")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def day_text(day: date | None) -> str | None:
    """A day as ISO text ('YYYY-MM-DD': comparing the strings compares the days); None for
    no day (the attribute is then left out)."""
    return day.isoformat() if day else None


def day_from_text(text: str | None) -> date | None:
    """The day `day_text` stored; None where none was."""
    return date.fromisoformat(text) if text else None
