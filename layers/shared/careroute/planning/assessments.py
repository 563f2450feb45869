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
    district_office,
    require_valid,
    worker_routes,
)
from careroute.routing import FleetProblem, FleetResult, FleetStop, PlannedStop


def assessment_problem(
    chosen: Sequence[Candidate],
    assessors: Sequence[Assessor],
    rules: AssessmentRules,
    circuity: float,
) -> FleetProblem:
    """One district day (assessors at work only): place 0 the office, place k candidate k-1."""
    office = district_office(assessors, "assessor")
    travel = depot_travel(office, (c.request.location for c in chosen), rules.speed_kmh, circuity)
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

    def request_stop(planned: PlannedStop) -> dict[str, Any]:
        c = by_id[planned.stop_id]
        return {
            "request_id": planned.stop_id,
            "elder_id": c.request.elder_id,
            "community_id": c.request.community_id,
            "lat": c.request.location.lat,
            "lng": c.request.location.lng,
            "deadline": c.request.deadline.isoformat(),
            "mandatory": c.penalty is None,
        }

    district_day = {"district_id": district_id, "date": day.isoformat()}
    return worker_routes(
        result, lambda r: {"assessor_id": r.worker_id, **district_day}, request_stop
    )
