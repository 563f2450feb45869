"""The head of a steward's route document (docs/plan-format.md): whose day it is, where it
starts and ends, and the hours it keeps. Every route document starts with it, planned by
the solver or written empty for a responder who had nothing planned."""

from __future__ import annotations

from datetime import date
from typing import Any

from careroute.domain.scope_ids import scope_ids
from careroute.domain.vocabulary import Community, Steward, TimeWindow, format_clock


def clock_window(window: TimeWindow) -> dict[str, str]:
    """A window as the document shows it: {"start": "08:30", "end": "17:00"}."""
    return {"start": format_clock(window.start), "end": format_clock(window.end)}


def route_head(community: Community, steward: Steward, day: date) -> dict[str, Any]:
    """The ids, date, travel mode, depot (the community's centre), shift and break."""
    lunch = steward.lunch_break
    return {
        "steward_id": steward.steward_id,
        **scope_ids(community),
        "date": day.isoformat(),
        "mode": steward.mode.value,
        "depot": {"lat": community.location.lat, "lng": community.location.lng},
        "shift": clock_window(steward.shift),
        "break": clock_window(lunch) if lunch else None,
    }
