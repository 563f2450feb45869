"""Needs-assessment requests opened through the API (POST /assessments/requests), and the
district's request figures officials read (GET /assessments/summary).

Who may open one: the elder's steward (who sees the need on a visit), the elder's family,
the street or district official over the elder's community, and the city admin. A request
is due the policy's `[assessment] deadline_days` later and is routed to a qualified assessor
by the nightly assessment planner like an imported one. One open request per elder: asking
again the same day answers the stored request (a retry); asking while another is open is a
conflict naming it. An elder no longer in care (moved, deceased) cannot be requested.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from careroute.domain.access import Caller, Role, require_scope
from careroute.domain.assessments import AssessmentRequest, RequestStatus, new_request
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import ConflictError, ForbiddenError, ValidationError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, ElderStatus
from careroute.messages.assessments import (
    AssessmentRequestBody,
    AssessmentSummary,
    DistrictAssessments,
)
from careroute.service_layer.assessments import Assessing, may_read_district
from careroute.service_layer.scope_access import parse_scope, readable_districts
from careroute.service_layer.views import json_fields


def _may_request_for(who: Caller, elder: Elder, ports: Assessing) -> None:
    if who.role is Role.FAMILY:
        if who.scope != elder.elder_id:
            raise ForbiddenError("a family member can ask only for their own elder")
        return
    if who.role is Role.STEWARD:
        if ports.stewards.get_steward(who.scope).community_id != elder.community_id:
            raise ForbiddenError("a steward can ask only for an elder of their own community")
        return
    if who.role in (Role.STREET_OFFICIAL, Role.DISTRICT_OFFICIAL, Role.CITY_ADMIN):
        where = Scope(ScopeKind.COMMUNITY, elder.community_id)
        require_scope(who, where, ports.scopes.ancestors(where))
        return
    raise ForbiddenError(f"a {who.role.value} cannot ask for a needs assessment")


def request_document(request: AssessmentRequest) -> dict[str, Any]:
    return json_fields(
        request,
        "request_id",
        "elder_id",
        "community_id",
        "district_id",
        "requested_on",
        "deadline",
        "status",
    )


def open_request(
    who: Caller, body: AssessmentRequestBody, today: date, policy: Policy, ports: Assessing
) -> tuple[dict[str, Any], bool]:
    """Open a request to assess the elder; (the request, True when stored now)."""
    elder = ports.elders.get_elder(body.community_id, body.elder_id, consistent=True)
    _may_request_for(who, elder, ports)
    if elder.status in (ElderStatus.MOVED, ElderStatus.DECEASED):
        raise ValidationError(f"elder_id: {elder.elder_id} is no longer in care ({elder.status})")
    request = new_request(elder, today, policy.assessment.deadline_days)
    for other in ports.requests.requests_of(elder.district_id):
        if other.elder_id != elder.elder_id or other.status is not RequestStatus.OPEN:
            continue
        if other.request_id == request.request_id:
            return request_document(other), False  # asked again the same day: a retry
        raise ConflictError(
            f"elder {elder.elder_id} has an open assessment request {other.request_id} "
            f"(due {other.deadline})"
        )
    if not ports.requests.open_request(request):
        stored, _ = ports.requests.get_request(request.district_id, request.request_id)
        if stored.status is RequestStatus.OPEN:
            return request_document(stored), False
        raise ConflictError(f"elder {elder.elder_id} was assessed today already")
    return request_document(request), True


def summary(
    who: Caller, scope: str, today: date, policy: Policy, ports: Assessing
) -> AssessmentSummary:
    """Per district of the scope (city or a district): requests open, overdue (open past
    their deadline) and done, and the done ones by ability level and care level, each
    ability level recomputed from the request's stored scores with the policy's instrument."""
    rows = []
    where = parse_scope(scope)
    districts = readable_districts(who, where, ports.communities, ports.scopes, may_read_district)
    for district_id in districts:
        requests = list(ports.requests.requests_of(district_id))
        still_open = [r for r in requests if r.status is RequestStatus.OPEN]
        done = [r for r in requests if r.status is RequestStatus.DONE]
        graded = [policy.assessment.grade(dict(r.scores)) for r in done if r.scores]
        levels = Counter(r.level.value for r in done if r.level)
        rows.append(
            DistrictAssessments(
                district_id=district_id,
                open=len(still_open),
                overdue=sum(1 for r in still_open if r.deadline < today),
                done=len(done),
                by_ability_level=dict(sorted(Counter(g.ability.value for g in graded).items())),
                by_care_level=dict(sorted(levels.items())),
                bed_eligible=sum(1 for g in graded if g.bed_eligible),
            )
        )
    return AssessmentSummary(scope=scope, as_of=today, districts=rows)
