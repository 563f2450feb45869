"""Clock arithmetic shared by the daily router and the fleet router (no OR-Tools here).

Break rule (both routers, both validators): no service during a break; a walk that meets the
break pauses for all of it, so a leg crossing the break takes travel + break.
"""

from __future__ import annotations

from careroute.domain.vocabulary import TimeWindow


def arrive(depart: int, travel: int, brk: TimeWindow | None) -> int:
    """Arrival after leaving at `depart`; a walk that meets the break pauses for all of it."""
    if brk is None or depart >= brk.end or depart + travel <= brk.start:
        return depart + travel
    if depart <= brk.start:
        return depart + travel + brk.seconds
    return brk.end + travel


def start_at(arrival: int, first: int, last: int, service: int, brk: TimeWindow | None) -> int:
    """Earliest service start >= arrival in [first, last] that misses the break; -1 if none."""
    start = max(arrival, first)
    if brk is not None and start < brk.end and start + service > brk.start:
        start = brk.end
    return start if start <= last else -1
