"""A district's inspection day as a fleet problem, and the solved plan as route documents.

Pure: no AWS. Place 0 is the district office (every inspector starts and ends there), place
k is candidate k-1. A target's window is its opening hours, its skills its kind's (only
institution-qualified inspectors take care institutions), its penalty the candidate's (None:
mandatory). The plan is checked by the independent fleet validator before it becomes
documents; a plan that fails it raises, and nothing is stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from careroute.domain.inspections import Candidate, InspectionPolicy, Inspector
from careroute.domain.vocabulary import format_clock
from careroute.planning.depot_day import (
    DayDocuments,
    depot_travel,
    depot_worker,
    district_office,
    require_valid,
    worker_routes,
)
from careroute.routing.fleet_model import FleetProblem, FleetResult, FleetStop, WorkerRoute
from careroute.routing.model import PlannedStop


class InvalidPlanError(RuntimeError):
    """The router's plan broke a rule the validator checks (never stored)."""


def inspection_problem(
    candidates: list[Candidate],
    inspectors: list[Inspector],
    policy: InspectionPolicy,
    circuity: float,
) -> FleetProblem:
    """The fleet problem of one district day (inspectors at work that day only)."""
    office = district_office(inspectors, "inspector")
    travel = depot_travel(
        office, (c.target.location for c in candidates), policy.speed_kmh, circuity
    )
    stops = tuple(
        FleetStop(
            stop_id=c.target.target_id,
            place=k + 1,
            windows=(c.target.window,),
            service_seconds=policy.service_seconds(c.target.kind),
            skills=c.target.skills,
            penalty=c.penalty,
        )
        for k, c in enumerate(candidates)
    )
    workers = tuple(
        depot_worker(i.inspector_id, i.shift, i.lunch_break, i.skills) for i in inspectors
    )
    return FleetProblem(workers=workers, stops=stops, travel=travel)


def plan_documents(
    district_id: str,
    plan_date: date,
    run_id: str,
    candidates: list[Candidate],
    problem: FleetProblem,
    result: FleetResult,
) -> DayDocuments:
    """Validate the plan and turn it into route documents (docs/api.md, inspections)."""
    require_valid(problem, result, f"{district_id} {plan_date}", InvalidPlanError)
    by_id = {c.target.target_id: c for c in candidates}

    def inspector(route: WorkerRoute) -> dict[str, Any]:
        return {
            "inspector_id": route.worker_id,
            "district_id": district_id,
            "date": plan_date.isoformat(),
            "run_id": run_id,
            "travel_minutes": round(route.travel_seconds / 60),
        }

    def target_stop(planned: PlannedStop) -> dict[str, Any]:
        c = by_id[planned.stop_id]
        t = c.target
        return {
            "target_id": t.target_id,
            "kind": t.kind.value,
            "name": t.name,
            "community_id": t.community_id,
            "lat": t.location.lat,
            "lng": t.location.lng,
            "window": str(t.window),
            "arrival": format_clock(planned.arrival),
            "due_date": t.due_date.isoformat() if t.due_date else None,
            "mandatory": c.penalty is None,
        }

    routes = worker_routes(result, inspector, target_stop)
    unassigned = [
        {"target_id": u.stop_id, "reason": u.reason.value, "mandatory": u.mandatory}
        for u in result.unassigned
    ]
    summary = {
        "district_id": district_id,
        "date": plan_date.isoformat(),
        "run_id": run_id,
        "candidates": len(candidates),
        "mandatory": sum(1 for c in candidates if c.penalty is None),
        "planned": sum(len(r.stops) for r in result.routes),
        "unassigned_mandatory": sum(1 for u in result.unassigned if u.mandatory),
        "solve_ms": result.solve_ms,
        "status": result.status.value,
        "backend": result.backend,
        "unassigned": unassigned,
    }
    return DayDocuments(routes, summary)
