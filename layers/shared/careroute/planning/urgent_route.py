"""Put an urgent visit into a responder's route for today and re-time the rest of the day.

Pure: no AWS. What the responder has started or done stays as it is; the rest of the day is
solved again with the daily router (OR-Tools) from the moment of dispatch, leaving from the
responder's community (the route's depot), with the urgent visit mandatory and due by its
arrival deadline, and checked by the independent validator before anything is stored. The
day's other visits keep their windows but become optional for this solve (an emergency comes
first); a visit that no longer fits is listed as unassigned and the next nightly plan takes
it again. The urgent visit is the responder's next stop, not merely one in time: a routine
visit the deadline left room for, put first, kept the responder busy when a more severe
event brought the deadline forward minutes later. When the urgent visit's window meets the
lunch break, the responder gives up the break. The urgent stop's id in the solve is
`urgent:<incident id>`, so the same elder may also have an ordinary visit on the route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from careroute import routing
from careroute.domain.incidents import Incident
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    TIER_WEIGHT,
    Community,
    Elder,
    GeoPoint,
    Steward,
    Tier,
    TimeWindow,
    china_date,
    format_clock,
    parse_clock,
)
from careroute.planning.route_contacts import stop_contacts
from careroute.planning.route_document import route_head
from careroute.planning.travel import HaversineTravel
from careroute.planning.urgent_holds import URGENT_PREFIX
from careroute.routing import (
    RouteProblem,
    RouteResult,
    Stop,
    validate_route,
)

KEEP_PENALTY = 3600 * 12
"""Penalty (seconds of travel) for dropping one of the day's planned visits, times the
tier weight: far above any detour, far below the urgent visit's mandatory weight."""
LATE_SLACK_SECONDS = 15 * 60
"""In a late pass, a deadline already out of reach becomes 'straight there': direct travel
plus this."""
DAY_END = 24 * 3600
NEXT_STOP_SLACK_SECONDS = 5 * 60
"""In the solve, the urgent visit is reached at most this long after going straight there:
room for the router's rounding, none for a routine visit first."""


class RouteInvalid(RuntimeError):
    """The validator rejected the re-timed route; nothing is stored."""


@dataclass(frozen=True)
class UrgentVisit:
    incident_id: str
    elder: Elder
    due_at: datetime
    """Latest arrival (the incident's arrive deadline)."""
    service_seconds: int
    late_seconds: int = 0
    """Arrival may be this much after the deadline (a second pass when nobody can make it)."""

    @classmethod
    def of(cls, incident: Incident, elder: Elder, late_seconds: int = 0) -> UrgentVisit:
        """The visit an incident asks of its responder, at `elder`'s home."""
        return cls(
            incident.incident_id,
            elder,
            incident.arrive_due_at,
            incident.service_minutes * 60,
            late_seconds,
        )


@dataclass(frozen=True)
class Insertion:
    document: dict[str, Any]
    eta: int
    """Arrival at the elder, seconds since local midnight."""
    dropped: tuple[str, ...]
    """Elder ids of visits that no longer fit today."""


def seconds_of_day(at: datetime) -> int:
    local = at.astimezone(CHINA_TZ)
    return local.hour * 3600 + local.minute * 60 + local.second


def urgent_window(visit: UrgentVisit, start: int, direct: int, today: date) -> TimeWindow | None:
    """When the urgent visit may be served by a responder free from `start` (seconds since
    local midnight) and `direct` seconds of travel away: from `start` to the arrival deadline
    (plus `late_seconds` in a late pass, and then at least straight there) plus the time on
    site; None when the elder is out of reach today even going straight there."""
    latest_at = visit.due_at + timedelta(seconds=visit.late_seconds)
    latest = seconds_of_day(latest_at)
    if china_date(latest_at) > today:
        latest = DAY_END - visit.service_seconds
    if visit.late_seconds:  # already late: at least "straight there" from now
        latest = max(latest, start + direct + LATE_SLACK_SECONDS)
    if start + direct > latest:  # out of reach: no solve needed
        return None
    return TimeWindow(start, min(DAY_END, latest + visit.service_seconds))


def next_stop_window(window: TimeWindow, direct: int, service: int) -> TimeWindow:
    """The urgent visit's window for the solve when it is to be the responder's next stop:
    straight there, so the routine visits give way (move later or drop)."""
    straight_there = window.start + direct + NEXT_STOP_SLACK_SECONDS + service
    return TimeWindow(window.start, min(window.end, straight_there))


def lunch_left(lunch: TimeWindow | None, start: int, urgent: TimeWindow) -> TimeWindow | None:
    """The break still to take in a day solved again from `start`: none when it is over or
    meets the urgent visit (an emergency in the lunch hour takes the break), else what is
    left of it."""
    if lunch is None or lunch.end <= start or urgent.intersect(lunch) is not None:
        return None
    return TimeWindow(start, lunch.end) if lunch.start < start else lunch


def on_route(document: dict[str, Any] | None, incident_id: str) -> bool:
    return document is not None and any(
        s.get("incident_id") == incident_id for s in document["stops"]
    )


def without_urgent(document: dict[str, Any] | None, incident_id: str) -> dict[str, Any] | None:
    """The route with an incident's urgent stop taken off (to place it again, or to hand
    the incident to someone else); the other stops keep their times."""
    if document is None or not on_route(document, incident_id):
        return document
    kept = [dict(s) for s in document["stops"] if s.get("incident_id") != incident_id]
    for n, stop in enumerate(kept, 1):
        stop["sequence"] = n
    stats = dict(document.get("stats") or {})
    stats.update(planned=len(kept), urgent=sum(1 for s in kept if s.get("incident_id")))
    return {**document, "stops": kept, "stats": stats}


def urgent_stops(document: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The urgent stops of a stored route: a re-plan of the day (cover for an absent
    neighbour) must keep them."""
    return [s for s in document["stops"] if s.get("incident_id")] if document else []


def held_stop(stop: dict[str, Any]) -> Stop:
    """A stored urgent stop as a mandatory stop of a new solve of the day, inside its
    window (from its dispatch to its deadline plus the time on site)."""
    return Stop(
        _stop_id(stop),
        GeoPoint(stop["lat"], stop["lng"]),
        TimeWindow.parse(stop["window"]["start"], stop["window"]["end"]),
        int(stop["service_minutes"]) * 60,
        None,
    )


def _stop_id(stop: dict[str, Any]) -> str:
    return URGENT_PREFIX + stop["incident_id"] if stop.get("incident_id") else str(stop["elder_id"])


def _service(stop: dict[str, Any], policy: Policy) -> int:
    if stop.get("incident_id"):
        return int(stop["service_minutes"]) * 60
    return policy.service_seconds(Tier(stop["tier"]))


def empty_route(community: Community, steward: Steward, day: date) -> dict[str, Any]:
    """A route with no stops (the responder had nothing planned today)."""
    return {
        **route_head(community, steward, day),
        "depart": format_clock(steward.shift.start),
        "return": format_clock(steward.shift.start),
        "stops": [],
        "unassigned": [],
        "stats": {"planned": 0, "travel_minutes": 0.0, "status": "solved", "notes": []},
    }


def _window(stop: dict[str, Any], start: int) -> TimeWindow:
    window = TimeWindow.parse(stop["window"]["start"], stop["window"]["end"])
    return TimeWindow(max(window.start, start), window.end) if window.end >= start else window


def insert_urgent(
    document: dict[str, Any] | None,
    community: Community,
    steward: Steward,
    visit: UrgentVisit,
    now: datetime,
    policy: Policy,
) -> Insertion | None:
    """The responder's route for today with the urgent visit in it, or None when the visit
    cannot be done today by this responder (shift over, too far to make it before the shift
    ends)."""
    day = china_date(now)
    doc = document if document is not None else empty_route(community, steward, day)
    now_s = seconds_of_day(now)
    done = [s for s in doc["stops"] if parse_clock(s["service_start"]) <= now_s]
    rest = [s for s in doc["stops"] if parse_clock(s["service_start"]) > now_s]
    start = max([now_s] + [parse_clock(s["service_end"]) for s in done])
    if start >= steward.shift.end:
        return None
    travel = HaversineTravel(policy.speed_kmh[steward.mode], policy.circuity)
    direct = travel.seconds(community.location, visit.elder.location)
    window = urgent_window(visit, start, direct, day)
    if window is None:
        return None
    by_id = {_stop_id(s): s for s in rest}
    urgent_id = URGENT_PREFIX + visit.incident_id
    # Another urgent visit still to come keeps its place: the solver orders the two.
    others_urgent = any(s.get("incident_id") for s in rest)
    solved = window if others_urgent else next_stop_window(window, direct, visit.service_seconds)
    stops = [
        Stop(urgent_id, visit.elder.location, solved, visit.service_seconds, None),
        *(
            Stop(
                stop_id,
                GeoPoint(s["lat"], s["lng"]),
                _window(s, start),
                _service(s, policy),
                None if s.get("incident_id") else KEEP_PENALTY * TIER_WEIGHT[Tier(s["tier"])],
            )
            for stop_id, s in by_id.items()
        ),
    ]
    problem = RouteProblem(
        depot=community.location,
        shift=TimeWindow(start, steward.shift.end),
        lunch_break=lunch_left(steward.lunch_break, start, solved),
        stops=tuple(stops),
        travel=travel,
        max_stops=len(stops),
        warm_start=(urgent_id, *by_id),
    )
    result = routing.solve(problem, routing.default_limits(len(stops)))
    violations = validate_route(problem, result)
    if violations:
        raise RouteInvalid("; ".join(violations[:5]))
    planned = {p.stop_id: p for p in result.stops}
    if urgent_id not in planned:
        return None
    urgent_stop: dict[str, Any] = {
        "elder_id": visit.elder.elder_id,
        "community_id": visit.elder.community_id,
        "name": visit.elder.name,
        "address": visit.elder.address,
        **stop_contacts(visit.elder),
        "tier": Tier.T1.value,
        "lat": visit.elder.location.lat,
        "lng": visit.elder.location.lng,
        "window": {
            "start": format_clock(window.start),
            "end": format_clock(window.end),
        },
        "deadline": day.isoformat(),
        "mandatory": True,
        "cover": visit.elder.community_id != community.community_id,
        "retry": False,
        "tasks": [],
        "incident_id": visit.incident_id,
        "service_minutes": visit.service_seconds // 60,
    }
    by_id[urgent_id] = urgent_stop
    return Insertion(
        document=_retimed(doc, done, by_id, result, visit.incident_id),
        eta=planned[urgent_id].arrival,
        dropped=tuple(by_id[u.stop_id]["elder_id"] for u in result.unassigned),
    )


def _retimed(
    doc: dict[str, Any],
    done: list[dict[str, Any]],
    by_id: dict[str, dict[str, Any]],
    result: RouteResult,
    incident_id: str,
) -> dict[str, Any]:
    stops = [dict(s) for s in done]
    for planned in result.stops:
        stop = dict(by_id[planned.stop_id])
        stop.update(
            sequence=len(stops) + 1,
            arrival=format_clock(planned.arrival),
            service_start=format_clock(planned.service_start),
            service_end=format_clock(planned.service_end),
            travel_minutes=round(planned.travel_seconds / 60, 1),
        )
        stops.append(stop)
    bumped = [
        {
            "elder_id": by_id[u.stop_id]["elder_id"],
            "community_id": by_id[u.stop_id].get("community_id", doc["community_id"]),
            "tier": by_id[u.stop_id]["tier"],
            "reason": u.reason.value,
            "mandatory": bool(by_id[u.stop_id].get("mandatory")),
            "deadline": by_id[u.stop_id].get("deadline"),
            "cover": bool(by_id[u.stop_id].get("cover")),
            "bumped_by": incident_id,
        }
        for u in result.unassigned
    ]
    stats = dict(doc.get("stats") or {})
    stats.update(planned=len(stops), urgent=sum(1 for s in stops if s.get("incident_id")))
    return {
        **doc,
        "stops": stops,
        "unassigned": list(doc.get("unassigned") or []) + bumped,
        "depart": doc["depart"] if done else format_clock(result.depot_departure),
        "return": format_clock(result.depot_return),
        "stats": stats,
    }
