"""The needs-assessment ports, memory against DynamoDB: each district's assessors, requests
closed once by a result that grades the elder (all or nothing), and assessor routes. Then a
result recorded through the use case, and its retry, answer the same on both."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from careroute_synthetic.assessments import generate_assessments

from careroute.adapters import memory_assessments as memory
from careroute.adapters.dynamodb import assessments as assessment_table
from careroute.adapters.memory import MemoryElders
from careroute.domain.access import Caller, Role
from careroute.domain.assessments import QUALIFIED, AssessmentRequest, Assessor, RequestStatus
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.eligibility import CareLevel
from careroute.domain.errors import ConflictError, NotFoundError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Category, Elder, Registry
from careroute.messages.assessments import AssessmentResultBody
from careroute.service_layer.assessments import Assessing, record_result
from careroute.service_layer.ports import (
    AssessmentRequests,
    AssessorDirectory,
    AssessorRoutes,
    Grading,
)
from tests.conftest import TODAY
from tests.contract.conftest import Backend, dynamodb_backend, memory_backend
from tests.contract.use_case_ports import AreaBackend
from tests.unit.test_assessment_instrument import scores_for

NOW = datetime.combine(TODAY, datetime.min.time(), CHINA_TZ).replace(hour=10)
ACTOR = Actor("assessor-1", "assessor")


@dataclass(frozen=True)
class AssessmentBackend(AreaBackend):
    assessors: AssessorDirectory
    requests: AssessmentRequests
    routes: AssessorRoutes


def assessments_of(backend: Backend) -> AssessmentBackend:
    """The assessment adapters of the same backend (the DynamoDB one is reset with it)."""
    if backend.name == "memory":
        assert isinstance(backend.elders, MemoryElders)
        return AssessmentBackend(
            backend,
            memory.MemoryAssessors(),
            memory.MemoryAssessmentRequests(backend.elders),
            memory.MemoryAssessorRoutes(),
        )
    return AssessmentBackend(
        backend,
        assessment_table,
        assessment_table,
        assessment_table,
    )


@pytest.fixture
def assessments(backend: Backend) -> AssessmentBackend:
    return assessments_of(backend)


@pytest.fixture(scope="module")
def world(small_city: Registry) -> tuple[tuple[Assessor, ...], tuple[AssessmentRequest, ...]]:
    return generate_assessments(small_city.communities, small_city.elders, 11, TODAY, share=0.3)


def grading(
    request: AssessmentRequest, level: CareLevel, categories: list[str], key: str
) -> Grading:
    entry = Entry(Kind.CHANGE, NOW, ACTOR, "care_level", None, level.value, reason="grading")
    return Grading(level, tuple(categories), key, NOW, "A01", (entry,))


def saved_request(
    assessments: AssessmentBackend, city: Registry, world: Any, n: int
) -> tuple[AssessmentRequest, Elder]:
    """The world's n-th request and its elder (from `city`), both saved in the backend."""
    _assessors, requests = world
    request = requests[n]
    elder = next(e for e in city.elders if e.elder_id == request.elder_id)
    assessments.base.elders.save_elders([elder])
    assessments.requests.save_requests([request])
    return request, elder


def test_a_districts_assessors_are_listed_by_id_with_their_office_and_skills(
    assessments: AssessmentBackend, world: Any
) -> None:
    assessors, _requests = world
    assert assessments.assessors.save_assessors(reversed(assessors)) == len(assessors)
    district = assessors[0].district_id
    listed = assessments.assessors.assessors_of(district)
    assert [a.assessor_id for a in listed] == sorted(
        a.assessor_id for a in assessors if a.district_id == district
    )
    by_id = {a.assessor_id: a for a in assessors}
    assert all((a.base, a.skills) == (by_id[a.assessor_id].base, by_id[a.assessor_id].skills)
               for a in listed)  # fmt: skip
    assert assessments.assessors.assessors_of("D-none") == []


def test_requests_read_back_open_by_id_and_an_unknown_one_is_not_found(
    assessments: AssessmentBackend, world: Any
) -> None:
    _assessors, requests = world
    assert assessments.requests.save_requests(requests) == len(requests)
    district = requests[0].district_id
    listed = list(assessments.requests.requests_of(district))
    assert listed == sorted(
        (r for r in requests if r.district_id == district), key=lambda r: r.request_id
    )
    assert assessments.requests.get_request(district, requests[0].request_id) == (
        requests[0],
        None,
    )
    with pytest.raises(NotFoundError):
        assessments.requests.get_request(district, "R-none")


def test_a_result_closes_the_request_and_grades_the_elder_once(
    assessments: AssessmentBackend, small_city: Registry, world: Any
) -> None:
    request, elder = saved_request(assessments, small_city, world, 0)
    categories = sorted({c.value for c in elder.categories} | {Category.DISABLED.value})
    first = grading(request, CareLevel.SEMI_DISABLED, categories, "key-1")

    assert assessments.requests.record_result(request, elder, first) is True
    done, key = assessments.requests.get_request(request.district_id, request.request_id)
    assert (done.status, done.level, key) == (RequestStatus.DONE, CareLevel.SEMI_DISABLED, "key-1")
    stored = assessments.base.elders.get_elder(elder.community_id, elder.elder_id, True)
    assert (
        stored.care_level == CareLevel.SEMI_DISABLED.value
        and Category.DISABLED in stored.categories
    )
    changes = assessments.base.elders.changes(elder.community_id, elder.elder_id)
    assert changes == list(first.changes)

    assert assessments.requests.record_result(request, elder, first) is False
    other = grading(request, CareLevel.SELF_CARE, categories, "key-2")
    with pytest.raises(ConflictError, match="already has a result"):
        assessments.requests.record_result(request, elder, other)


def test_a_result_over_an_elder_changed_meanwhile_writes_nothing(
    assessments: AssessmentBackend, small_city: Registry, world: Any
) -> None:
    request, elder = saved_request(assessments, small_city, world, 1)
    stale = replace(elder, care_level="disabled")

    with pytest.raises(ConflictError, match="changed meanwhile"):
        assessments.requests.record_result(
            request, stale, grading(request, CareLevel.SEMI_DISABLED, [], "key-1")
        )
    assert assessments.requests.get_request(request.district_id, request.request_id)[1] is None
    assert assessments.base.elders.changes(elder.community_id, elder.elder_id) == []


def test_an_assessors_route_reads_back_and_a_replan_replaces_it(
    assessments: AssessmentBackend,
) -> None:
    route = {"assessor_id": "A01", "district_id": "D01", "date": TODAY.isoformat(), "stops": [1]}
    assessments.routes.save_route(route, NOW)
    assert assessments.routes.get_route("A01", TODAY) == route
    assert assessments.routes.get_route("A01", TODAY + timedelta(days=1)) is None
    assessments.routes.save_route({**route, "stops": []}, NOW)
    assert assessments.routes.get_route("A01", TODAY) == {**route, "stops": []}


def test_a_result_and_its_retry_answer_the_same_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry, world: Any
) -> None:
    assessors, requests = world
    request = requests[0]
    assessor = next(a for a in assessors if QUALIFIED in a.skills)
    body = AssessmentResultBody(
        assessor_id=assessor.assessor_id,
        request_id=request.request_id,
        scores=scores_for("semi"),
        assessed_at=NOW,
    )
    who = Caller("assessor-1", Role.ASSESSOR, request.district_id)
    answers = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        found = assessments_of(backend)
        backend.communities.save_communities(small_city.communities)
        backend.elders.save_elders(small_city.elders)
        found.assessors.save_assessors(assessors)
        found.requests.save_requests(requests)
        first = record_result(who, body, "key-1", NOW, load_policy(), found.ports(Assessing))
        again = record_result(who, body, "key-1", NOW, load_policy(), found.ports(Assessing))
        history = backend.elders.changes(request.community_id, request.elder_id)
        answers.append((first, again, history))
    on_memory, on_dynamodb = answers
    (result, created), (replayed, repeat), history = on_memory
    assert created and not repeat and replayed == result and result["level"] == "semi"
    assert [e.what for e in history][-1] == "care_level"
    assert on_memory == on_dynamodb
