"""Build one steward's route for one day: due visits -> router -> validator -> plan document.

Pure (no AWS): the solver handler loads the inputs and stores the document.
The document format is specified in docs/plan-format.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from careroute.domain import Community, Elder, Steward, Tier, format_clock
from careroute.due import DueVisit, select_due
from careroute.policy import Policy
from careroute.routing import (
    RouteProblem,
    RouteResult,
    SolveLimits,
    Stop,
    default_limits,
    solve,
    validate_route,
)
from careroute.travel import HaversineTravel

CANDIDATES_PER_VISIT_SLOT = 3
"""Offer the router at most this many candidates per visit the steward can make in a day."""
TIER_WEIGHT = {Tier.T1: 3, Tier.T2: 2, Tier.T3: 1}


class PlanRejected(RuntimeError):
    """The validator found the router's plan broken; it is not stored."""


@dataclass(frozen=True)
class PlannedDay:
    document: dict[str, Any]
    result: RouteResult


def visit_penalty(due: DueVisit) -> int | None:
    """None (mandatory) on the deadline; otherwise a penalty that grows as the deadline nears.

    Penalties are in the objective's unit (seconds of travel) and dwarf any detour inside a
    community, so the router drops the least urgent visits only when the day is full.
    """
    if due.mandatory:
        return None
    urgency = max(0, 10 - due.slack_days)
    return 3600 * (2 + urgency) * TIER_WEIGHT[due.tier]


def _candidates(due: list[DueVisit], steward: Steward) -> list[DueVisit]:
    cap = steward.max_visits_per_day * CANDIDATES_PER_VISIT_SLOT
    mandatory = [d for d in due if d.mandatory]
    optional = [d for d in due if not d.mandatory]
    return mandatory + optional[: max(0, cap - len(mandatory))]


def _window(start: int, end: int) -> dict[str, str]:
    return {"start": format_clock(start), "end": format_clock(end)}


def plan_day(
    community: Community,
    steward: Steward,
    elders: list[Elder],
    plan_date: date,
    policy: Policy,
    limits: SolveLimits | None = None,
    seed: int = 0,
    warm_start: tuple[str, ...] = (),
) -> PlannedDay | None:
    """The steward's validated route for `plan_date`, or None on the steward's day off.

    `warm_start` (e.g. yesterday's route, elder ids in order) seeds the search where the
    same elders are candidates again.
    """
    if not steward.works_on(plan_date):
        return None
    due = _candidates(select_due(elders, steward, plan_date, policy), steward)
    by_id = {d.elder.elder_id: d for d in due}
    travel = HaversineTravel(policy.speed_kmh[steward.mode], policy.circuity)
    problem = RouteProblem(
        depot=community.location,
        shift=steward.shift,
        lunch_break=steward.lunch_break,
        stops=tuple(
            Stop(
                stop_id=d.elder.elder_id,
                location=d.elder.location,
                window=d.elder.window,
                service_seconds=policy.service_seconds(d.tier),
                penalty=visit_penalty(d),
            )
            for d in due
        ),
        travel=travel,
        max_stops=steward.max_visits_per_day,
        warm_start=warm_start,
    )
    result = solve(problem, limits or default_limits(len(problem.stops)), seed=seed)
    violations = validate_route(problem, result)
    if violations:
        raise PlanRejected(
            f"route for steward {steward.steward_id} on {plan_date} failed validation: "
            + "; ".join(violations[:5])
        )
    return PlannedDay(_document(community, steward, plan_date, result, by_id), result)


def _document(
    community: Community,
    steward: Steward,
    plan_date: date,
    result: RouteResult,
    due: dict[str, DueVisit],
) -> dict[str, Any]:
    stops = []
    for planned in result.stops:
        d = due[planned.stop_id]
        stops.append(
            {
                "sequence": planned.sequence,
                "elder_id": planned.stop_id,
                "tier": d.tier.value,
                "lat": d.elder.location.lat,
                "lng": d.elder.location.lng,
                "window": _window(d.elder.window.start, d.elder.window.end),
                "arrival": format_clock(planned.arrival),
                "service_start": format_clock(planned.service_start),
                "service_end": format_clock(planned.service_end),
                "travel_minutes": round(planned.travel_seconds / 60, 1),
                "deadline": d.deadline.isoformat(),
                "mandatory": d.mandatory,
            }
        )
    unassigned = [
        {
            "elder_id": u.stop_id,
            "tier": due[u.stop_id].tier.value,
            "reason": u.reason.value,
            "mandatory": u.mandatory,
            "deadline": due[u.stop_id].deadline.isoformat(),
        }
        for u in result.unassigned
    ]
    lunch = steward.lunch_break
    return {
        "steward_id": steward.steward_id,
        "community_id": community.community_id,
        "street_id": community.street_id,
        "district_id": community.district_id,
        "date": plan_date.isoformat(),
        "mode": steward.mode.value,
        "depot": {"lat": community.location.lat, "lng": community.location.lng},
        "shift": _window(steward.shift.start, steward.shift.end),
        "break": _window(lunch.start, lunch.end) if lunch else None,
        "depart": format_clock(result.depot_departure),
        "return": format_clock(result.depot_return),
        "stops": stops,
        "unassigned": unassigned,
        "stats": {
            "candidates": len(due),
            "planned": len(stops),
            "travel_minutes": round(result.travel_seconds / 60, 1),
            "solve_ms": result.solve_ms,
            "status": result.status.value,
            "notes": list(result.notes),
        },
    }
