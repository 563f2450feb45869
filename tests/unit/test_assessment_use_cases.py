"""The needs-assessment use cases on the memory adapters: the day's routes per district (a
weekend plans nobody), who reads a route, and a result that grades the elder once per key."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from careroute_synthetic.assessments import generate_assessments

from careroute.adapters import memory
from careroute.domain.access import Caller, Role
from careroute.domain.assessments import (
    QUALIFIED,
    AssessmentRequest,
    AssessmentRules,
    Assessor,
    RequestStatus,
    candidates,
)
from careroute.domain.eligibility import CareLevel
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Category, Registry
from careroute.messages.assessments import AssessmentResultBody
from careroute.service_layer.assessment_planning import AssessmentPlanning, plan_day
from careroute.service_layer.assessments import (
    Assessing,
    assessor_route,
    load_world,
    record_result,
)
from careroute.service_layer.ports import Grading
from careroute_local.assessment_sim import memory_assessing, planning_of
from careroute_local.sim_city import memory_stewards
from tests.unit.conftest import STREET_AS_OF
from tests.unit.conftest import STREET_TEN_AM as NOW
from tests.unit.test_assessment_instrument import scores_for

POLICY = load_policy()
TUESDAY = STREET_AS_OF + timedelta(days=1)
SATURDAY = STREET_AS_OF + timedelta(days=5)


@dataclass(frozen=True)
class Stores:
    assessing: Assessing
    planning: AssessmentPlanning
    assessors: tuple[Assessor, ...]
    requests: tuple[AssessmentRequest, ...]

    @property
    def district(self) -> str:
        return self.requests[0].district_id

    def body(
        self, level: CareLevel = CareLevel.DISABLED, **changes: object
    ) -> AssessmentResultBody:
        qualified = next(a for a in self.assessors if QUALIFIED in a.skills)
        fields: dict[str, object] = {
            "assessor_id": qualified.assessor_id,
            "request_id": self.requests[0].request_id,
            "scores": scores_for(level.value),
            "assessed_at": NOW,
        }
        return AssessmentResultBody.model_validate(fields | changes)


def stores(city: Registry) -> Stores:
    elders = memory.MemoryElders()
    elders.save_elders(city.elders)
    assessing = memory_assessing(city, elders, memory_stewards(city))
    world_assessors, world_requests = generate_assessments(
        city.communities, city.elders, 11, STREET_AS_OF, share=0.3
    )
    world_requests = tuple(sorted(world_requests, key=lambda r: r.request_id))
    load_world(world_assessors, world_requests, assessing.assessors, assessing.requests)
    return Stores(assessing, planning_of(assessing), world_assessors, world_requests)


def test_a_working_day_routes_the_requests_and_a_weekend_plans_nobody(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    [planned] = plan_day(TUESDAY, POLICY, NOW, s.planning)
    assert planned["district_id"] == s.district and planned["planned"] > 0
    routed = [
        s.assessing.routes.get_route(a.assessor_id, TUESDAY)
        for a in s.assessors
        if QUALIFIED in a.skills
    ]
    stops = [stop for route in routed if route for stop in route["stops"]]
    assert len(stops) == planned["planned"]
    [weekend] = plan_day(SATURDAY, POLICY, NOW, s.planning)
    assert weekend["status"] == "no_assessor_at_work" and weekend["planned"] == 0


def test_a_backlog_beyond_the_days_reach_waits_and_its_mandatory_requests_count_unserved(
    one_street: Registry,
) -> None:
    """Given 60 requests past their deadline and two qualified assessors (6 a day each),
    when Tuesday is planned, then 48 (four times the day's room) are routed and the rest
    wait; every past-due request not planned counts as mandatory unassigned."""
    s = stores(one_street)
    late = TUESDAY - timedelta(days=1)
    overdue = [
        replace(s.requests[n % len(s.requests)], request_id=f"late-{n:03d}", deadline=late)
        for n in range(60)
    ]
    s.assessing.requests.save_requests(overdue)
    [planned] = plan_day(TUESDAY, POLICY, NOW, s.planning)
    assert planned["candidates"] == 48
    due = candidates(s.assessing.requests.requests_of(s.district), TUESDAY,
                     TUESDAY + timedelta(days=1), AssessmentRules())  # fmt: skip
    assert len(due) >= 60 and planned["waiting"] == len(due) - 48
    assert 0 < planned["planned"] <= 12
    assert planned["unassigned_mandatory"] == 60 - planned["planned"]


def test_a_route_is_read_in_its_district_only(one_street: Registry) -> None:
    s = stores(one_street)
    plan_day(TUESDAY, POLICY, NOW, s.planning)
    assessor = next(a for a in s.assessors if s.assessing.routes.get_route(a.assessor_id, TUESDAY))

    own = Caller("x", Role.ASSESSOR, s.district)
    route = assessor_route(own, assessor.assessor_id, TUESDAY, s.assessing)
    assert route["assessor_id"] == assessor.assessor_id
    official = Caller("d", Role.DISTRICT_OFFICIAL, s.district)
    assert assessor_route(official, assessor.assessor_id, TUESDAY, s.assessing) == route
    with pytest.raises(ForbiddenError):
        assessor_route(
            Caller("x", Role.ASSESSOR, "D99"), assessor.assessor_id, TUESDAY, s.assessing
        )
    with pytest.raises(NotFoundError):
        assessor_route(own, assessor.assessor_id, SATURDAY, s.assessing)


def test_a_result_grades_the_elder_once_per_key_with_history(one_street: Registry) -> None:
    s = stores(one_street)
    who = Caller("x", Role.ASSESSOR, s.district)
    request = s.requests[0]

    result, created = record_result(who, s.body(), "key-1", NOW, POLICY, s.assessing)
    again, repeated = record_result(who, s.body(), "key-1", NOW, POLICY, s.assessing)
    assert created and not repeated and again == result
    assert (result["level"], result["elder_id"]) == ("disabled", request.elder_id)
    assert result["care_subsidy_yuan"] == dict(POLICY.benefits.care_subsidy)[CareLevel.DISABLED]
    elder = s.assessing.elders.get_elder(request.community_id, request.elder_id)
    assert elder.care_level == "disabled" and Category.DISABLED in elder.categories
    assert "care_level" in [
        e.what for e in s.assessing.elders.changes(elder.community_id, elder.elder_id)
    ]
    done, key = s.assessing.requests.get_request(s.district, request.request_id)
    assert (done.status, key) == (RequestStatus.DONE, "key-1")
    with pytest.raises(ConflictError, match="already has a result"):
        record_result(who, s.body(CareLevel.SELF_CARE), "key-2", NOW, POLICY, s.assessing)


def test_a_result_is_refused_for_a_stranger_an_unqualified_assessor_or_a_bad_time(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    who = Caller("x", Role.ASSESSOR, s.district)
    unqualified = next((a for a in s.assessors if QUALIFIED not in a.skills), None)
    with pytest.raises(ForbiddenError):
        record_result(
            Caller("o", Role.DISTRICT_OFFICIAL, s.district), s.body(), "k", NOW, POLICY, s.assessing
        )
    with pytest.raises(ForbiddenError, match="not an assessor"):
        record_result(who, s.body(assessor_id="A-none"), "k", NOW, POLICY, s.assessing)
    if unqualified is not None:
        with pytest.raises(ForbiddenError, match="not qualified"):
            record_result(
                who, s.body(assessor_id=unqualified.assessor_id), "k", NOW, POLICY, s.assessing
            )
    with pytest.raises(ValidationError, match="future"):
        record_result(
            who, s.body(assessed_at=NOW + timedelta(hours=1)), "k", NOW, POLICY, s.assessing
        )
    with pytest.raises(ValidationError, match="7 days"):
        record_result(
            who, s.body(assessed_at=NOW - timedelta(days=8)), "k", NOW, POLICY, s.assessing
        )
    request = s.requests[0]
    assert s.assessing.requests.get_request(s.district, request.request_id)[1] is None


def test_an_elder_graded_after_the_read_is_a_conflict_and_the_request_stays_open(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    request = s.requests[0]
    read = s.assessing.elders.get_elder(request.community_id, request.elder_id)
    elders = s.assessing.elders
    assert isinstance(elders, memory.MemoryElders)
    assert elders.grade(read, "semi", sorted(c.value for c in read.categories), [])

    with pytest.raises(ConflictError, match="changed meanwhile"):
        grading = Grading(CareLevel.DISABLED, (), "key-1", NOW, "A01", ())
        s.assessing.requests.record_result(request, read, grading)
    stored, key = s.assessing.requests.get_request(s.district, request.request_id)
    assert (stored.status, key) == (RequestStatus.OPEN, None)
    assert elders.get_elder(request.community_id, request.elder_id).care_level == "semi"
