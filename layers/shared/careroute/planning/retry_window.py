"""When a retry after a failed attempt is made: away from the failed attempt's time of day.

The horizon counts a retry in the part of the day its window leaves (a morning not-home may
leave only the afternoon), and the route offers it in that window.
"""

from __future__ import annotations

from careroute.domain.vocabulary import CHINA_TZ, Elder, TimeWindow

RETRY_GAP_SECONDS = 3600
"""A retry after a failed attempt keeps at least this far from the failed time of day."""


def retry_window(elder: Elder) -> TimeWindow | None:
    """After a failed attempt, the larger part of the elder's window away from its time;
    None when no failed attempt came after the last completed visit."""
    failed = elder.last_attempt_at
    if failed is None:
        return None
    local = failed.astimezone(CHINA_TZ)
    if elder.last_visited_on is not None and local.date() <= elder.last_visited_on:
        return None
    at = local.hour * 3600 + local.minute * 60
    window = elder.window
    parts = [
        (window.start, min(window.end, at - RETRY_GAP_SECONDS)),
        (max(window.start, at + RETRY_GAP_SECONDS), window.end),
    ]
    start, end = max(parts, key=lambda p: p[1] - p[0])
    return TimeWindow(start, end) if end - start >= RETRY_GAP_SECONDS else window
