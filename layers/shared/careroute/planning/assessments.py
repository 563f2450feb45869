"""A district's needs-assessment day as a fleet problem (place 0 the district office, place k
candidate k-1; only qualified assessors take requests), and the validated plan as one route
document per assessor. Imports OR-Tools' router: used by the assessment planner only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from careroute.domain.assessments import HOME_HOURS, QUALIFIED, AssessmentRules, Assessor, Candidate
from careroute.planning.depot_day import (
    depot_travel,
    depot_worker,
    require_valid,
    route_clock,
    service_clock,
)
from careroute.routing import FleetProblem, FleetResult, FleetStop


def assessment_problem(
    chosen: Sequence[Candidate],
    assessors: Sequence[Assessor],
    rules: AssessmentRules,
    circuity: float,
) -> FleetProblem:
    """One district day (assessors at work only): place 0 the office, place k candidate k-1."""
    if not assessors:
        raise ValueError("a district day needs at least one assessor at work")
    travel = depot_travel(
        assessors[0].base, (c.request.location for c in chosen), rules.speed_kmh, circuity
    )
    stops = tuple(
        FleetStop(
            stop_id=c.request.request_id,
            place=k + 1,
            windows=(HOME_HOURS,),
            service_seconds=rules.service_minutes * 60,
            skills=frozenset({QUALIFIED}),
            penalty=c.penalty,
        )
        for k, c in enumerate(chosen)
    )
    workers = tuple(
        depot_worker(a.assessor_id, a.shift, a.lunch_break, a.skills) for a in assessors
    )
    return FleetProblem(workers, stops, travel)


def route_documents(
    district_id: str,
    day: date,
    chosen: Sequence[Candidate],
    problem: FleetProblem,
    result: FleetResult,
) -> list[dict[str, Any]]:
    """One route document per assessor (ids, places and times; no names), after the fleet
    validator; raises ValueError if the plan breaks a rule (nothing is stored)."""
    require_valid(problem, result, f"assessment plan {district_id} {day}")
    by_id = {c.request.request_id: c for c in chosen}
    return [
        {
            "assessor_id": route.worker_id,
            "district_id": district_id,
            "date": day.isoformat(),
            **route_clock(route),
            "stops": [
                {
                    "sequence": p.sequence,
                    "request_id": p.stop_id,
                    "elder_id": by_id[p.stop_id].request.elder_id,
                    "community_id": by_id[p.stop_id].request.community_id,
                    "lat": by_id[p.stop_id].request.location.lat,
                    "lng": by_id[p.stop_id].request.location.lng,
                    **service_clock(p),
                    "deadline": by_id[p.stop_id].request.deadline.isoformat(),
                    "mandatory": by_id[p.stop_id].penalty is None,
                }
                for p in route.stops
            ],
        }
        for route in result.routes
    ]
