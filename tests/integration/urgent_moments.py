"""Moments on a steward's planned day that urgent-dispatch tests need, read from the route the
nightly plan made (which follows from the test's "today"), so a test's premise holds on
every date instead of at a fixed clock time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from careroute.adapters.dynamodb import routes
from careroute.domain.vocabulary import CHINA_TZ, parse_clock


def just_free(steward_id: str, day: date, after: str = "09:30") -> datetime:
    """The moment the steward finishes a visit, at or after `after`: free to leave at once."""
    route = routes.find_route(steward_id, day)
    assert route is not None, f"no route for {steward_id} on {day}"
    stops = route["stops"]
    starts = [parse_clock(s["service_start"]) for s in stops] + [24 * 3600]
    end = next(
        parse_clock(s["service_end"])
        for s, next_start in zip(stops, starts[1:], strict=False)
        if parse_clock(s["service_end"]) >= parse_clock(after)
        and next_start > parse_clock(s["service_end"])  # the next visit has not begun
    )
    return datetime.combine(day, datetime.min.time(), CHINA_TZ) + timedelta(seconds=end)
