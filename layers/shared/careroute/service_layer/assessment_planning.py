"""Each district's needs-assessment day: open requests -> fleet routes over the assessors at
work (qualified ones only take requests) -> fleet validator -> one route per assessor.
Imports OR-Tools' router: used by the assessment planner function only (it has the layer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from careroute import routing
from careroute.domain.assessments import AssessmentRules, Assessor, candidates, within_reach
from careroute.domain.policy import Policy
from careroute.planning.assessments import assessment_problem, route_documents
from careroute.service_layer.ports import (
    AssessmentRequests,
    AssessorDirectory,
    AssessorRoutes,
    CommunityRepository,
)

RULES = AssessmentRules()


@dataclass(frozen=True)
class AssessmentPlanning:
    """The ports of the daily assessment planner: districts, assessors, open requests, routes."""

    communities: CommunityRepository
    assessors: AssessorDirectory
    requests: AssessmentRequests
    routes: AssessorRoutes


def _next_working_day(day: date, assessors: list[Assessor]) -> date:
    later = day + timedelta(days=1)
    while not any(a.works_on(later) for a in assessors) and later < day + timedelta(days=8):
        later += timedelta(days=1)
    return later


def plan_district(
    district_id: str, day: date, policy: Policy, now: datetime, ports: AssessmentPlanning
) -> dict[str, Any]:
    """Route the district's open requests within the day's reach over its assessors at work
    on `day`; store one route per assessor (re-running overwrites). A summary of counts (a
    mandatory request beyond the reach is one unassigned)."""
    everyone = ports.assessors.assessors_of(district_id)
    at_work = [a for a in everyone if a.works_on(day)]
    summary: dict[str, Any] = {
        "district_id": district_id,
        "date": day.isoformat(),
        "candidates": 0,
        "waiting": 0,
        "planned": 0,
        "unassigned_mandatory": 0,
    }
    if not at_work:
        return {**summary, "status": "no_assessor_at_work"}
    due = candidates(
        ports.requests.requests_of(district_id), day, _next_working_day(day, everyone), RULES
    )
    chosen = within_reach(due, day, at_work, RULES)
    problem = assessment_problem(chosen, at_work, RULES, policy.circuity)
    result = routing.solve_fleet(problem, routing.default_limits(len(chosen)))
    for document in route_documents(district_id, day, chosen, problem, result):
        ports.routes.save_route(document, now)
    return {
        **summary,
        "candidates": len(chosen),
        "waiting": len(due) - len(chosen),
        "planned": sum(len(r.stops) for r in result.routes),
        "unassigned_mandatory": sum(1 for u in result.unassigned if u.mandatory)
        + sum(1 for c in due if c.penalty is None)
        - sum(1 for c in chosen if c.penalty is None),
        "status": result.status.value,
        "backend": result.backend,
    }


def plan_day(
    day: date, policy: Policy, now: datetime, ports: AssessmentPlanning
) -> list[dict[str, Any]]:
    districts = sorted({c.district_id for c in ports.communities.all_communities()})
    return [plan_district(d, day, policy, now, ports) for d in districts]
