"""Needs assessments through the API: an assessor's route, and results (exactly once per
request; scored with the policy's instrument, whose total gives the care level; the elder's
care level, categories and tier follow, with history). The planning
half (assessment_planning) imports OR-Tools; this one does not (the API has no such layer).

Who may act: an assessor (scope = district) reads the district's assessor routes and posts
results for its requests, if the named assessor is qualified; district officials (their
district) and the city admin read routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from careroute.domain.access import Caller, Role, require_scope
from careroute.domain.assessment_instrument import Grade, Instrument
from careroute.domain.assessments import QUALIFIED, AssessmentRequest, Assessor, categories_after
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import ForbiddenError, NotFoundError, ValidationError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder
from careroute.messages.assessments import AssessmentResultBody
from careroute.service_layer.field_results import check_result_time
from careroute.service_layer.ports import (
    AssessmentRequests,
    AssessorDirectory,
    AssessorRoutes,
    CommunityRepository,
    ElderRepository,
    Grading,
    ScopeDirectory,
    StewardRepository,
)


@dataclass(frozen=True)
class Assessing:
    """The ports of the assessments API: routes, and results that grade elders."""

    assessors: AssessorDirectory
    requests: AssessmentRequests
    routes: AssessorRoutes
    elders: ElderRepository
    scopes: ScopeDirectory
    stewards: StewardRepository
    """Whose community a steward opening a request serves."""
    communities: CommunityRepository
    """The city's districts (the city-wide request summary)."""


def load_world(
    assessors: tuple[Assessor, ...],
    requests: tuple[AssessmentRequest, ...],
    directory: AssessorDirectory,
    stored: AssessmentRequests,
) -> None:
    """Store assessors and requests (the local stack's synthetic ones, or an import)."""
    directory.save_assessors(assessors)
    stored.save_requests(requests)


def may_read_district(who: Caller, district_id: str, scopes: ScopeDirectory) -> None:
    if who.role is Role.ASSESSOR:
        if who.scope != district_id:
            raise ForbiddenError(f"an assessor of {who.scope} cannot act in {district_id}")
        return
    where = Scope(ScopeKind.DISTRICT, district_id)
    require_scope(who, where, scopes.ancestors(where))


def assessor_route(who: Caller, assessor_id: str, day: date, ports: Assessing) -> dict[str, Any]:
    route = ports.routes.get_route(assessor_id, day)
    if route is None:
        raise NotFoundError(f"no route for assessor {assessor_id} on {day.isoformat()}")
    may_read_district(who, str(route["district_id"]), ports.scopes)
    return route


def _result_document(
    request: AssessmentRequest, elder: Elder, policy: Policy, today: date
) -> dict[str, Any]:
    """The result as the API answers it, recomputed from the stored request (its scores)
    and the elder as graded: a replay answers the same."""
    level = request.level
    amounts = dict(policy.benefits.care_subsidy)
    grade = policy.assessment.grade(dict(request.scores)) if request.scores else None
    return {
        "request_id": request.request_id,
        "elder_id": request.elder_id,
        "scores": dict(request.scores),
        "total": grade.total if grade else None,
        "ability_level": grade.ability.value if grade else None,
        "level": level.value if level else None,
        "care_subsidy_yuan": amounts.get(level) if level else None,
        "bed_eligible": grade.bed_eligible if grade else None,
        "tier": policy.tier_of(elder, today).value,
    }


def _grade(body: AssessmentResultBody, instrument: Instrument) -> Grade:
    """The body's scores graded; ValidationError naming the dimension, or the level sent
    when the scores give another."""
    try:
        grade = instrument.grade(body.scores)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if body.level is not None and body.level is not grade.care_level:
        raise ValidationError(
            f"level: the scores (total {grade.total}, {grade.ability.value}) give "
            f"{grade.care_level.value}, not {body.level.value}"
        )
    return grade


def record_result(
    who: Caller,
    body: AssessmentResultBody,
    key: str,
    now: datetime,
    policy: Policy,
    ports: Assessing,
) -> tuple[dict[str, Any], bool]:
    """Grade the elder of a request once per key; returns (the result, True when stored now).
    A retry with the same key returns the stored result and False."""
    who.require(Role.ASSESSOR)
    district_id = who.scope
    known = ports.assessors.assessors_of(district_id)
    assessor = next((a for a in known if a.assessor_id == body.assessor_id), None)
    if assessor is None:
        raise ForbiddenError(f"{body.assessor_id} is not an assessor of {district_id}")
    if QUALIFIED not in assessor.skills:
        raise ForbiddenError(f"assessor {body.assessor_id} is not qualified to assess")
    request, closed_by = ports.requests.get_request(district_id, body.request_id)
    check_result_time("assessed_at", body.assessed_at, now)
    grade = _grade(body, policy.assessment)
    today = now.date()
    elder = ports.elders.get_elder(request.community_id, request.elder_id, consistent=True)
    if closed_by == key:  # a retry of a result already stored
        return _result_document(request, elder, policy, today), False
    new_categories = categories_after(elder.categories, grade.care_level)
    old = sorted(c.value for c in elder.categories)
    new = sorted(c.value for c in new_categories)
    actor = Actor(who.subject, who.role.value)
    reason = f"needs assessment {request.request_id} by {assessor.assessor_id}"
    changes = [
        Entry(
            Kind.CHANGE,
            now,
            actor,
            "care_level",
            elder.care_level,
            grade.care_level.value,
            reason=f"{reason}: total {grade.total} ({grade.ability.value})",
        )
    ]
    if new != old:
        changes.append(Entry(Kind.CHANGE, now, actor, "categories", old, new, reason=reason))
    grading = Grading(
        grade.care_level,
        tuple(new),
        key,
        body.assessed_at,
        assessor.assessor_id,
        tuple(changes),
        scores=tuple(sorted(body.scores.items())),
    )
    created = ports.requests.record_result(request, elder, grading)
    done, _ = ports.requests.get_request(district_id, request.request_id)
    graded = ports.elders.get_elder(request.community_id, request.elder_id, consistent=True)
    return _result_document(done, graded, policy, today), created
