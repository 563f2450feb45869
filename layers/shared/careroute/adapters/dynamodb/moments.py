"""How a moment is stored: fixed-width UTC ISO text, so comparing the strings (in key
conditions and sort keys) compares the moments."""

from __future__ import annotations

from datetime import UTC, datetime


def instant_text(at: datetime) -> str:
    """A moment as fixed-width UTC ISO text: comparing the strings compares the moments."""
    if at.tzinfo is None:
        raise ValueError("a stored moment must carry a time zone")
    return at.astimezone(UTC).isoformat(timespec="microseconds")
