"""Needs-assessment requests opened through the API, and the district summary, on the memory
adapters: who may ask, one open request per elder (a same-day retry answers the stored one),
an elder out of care refused, and the summary recomputing each done request's ability level
from its stored scores."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from careroute.domain.access import Caller, Role
from careroute.domain.assessments import RequestStatus
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Elder, ElderStatus, Registry
from careroute.messages.assessments import AssessmentRequestBody
from careroute.service_layer.assessment_requests import open_request, summary
from careroute.service_layer.assessments import record_result
from tests.unit.conftest import STREET_AS_OF
from tests.unit.conftest import STREET_TEN_AM as NOW
from tests.unit.test_assessment_use_cases import Stores, stores

POLICY = load_policy()
ADMIN = Caller("a", Role.CITY_ADMIN, "")


def unrequested(s: Stores, city: Registry) -> Elder:
    """An active elder of the street with no request yet."""
    asked = {r.elder_id for r in s.requests}
    return next(
        e for e in city.elders if e.elder_id not in asked and e.status is ElderStatus.ACTIVE
    )


def body_for(elder: Elder, **changes: str) -> AssessmentRequestBody:
    fields = {"community_id": elder.community_id, "elder_id": elder.elder_id} | changes
    return AssessmentRequestBody.model_validate(fields)


def test_the_elders_steward_opens_a_request_due_in_the_policys_days_and_a_retry_stores_none(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    elder = unrequested(s, one_street)
    steward = next(w for w in one_street.stewards if w.community_id == elder.community_id)
    who = Caller(steward.steward_id, Role.STEWARD, steward.steward_id)

    doc, created = open_request(who, body_for(elder), STREET_AS_OF, POLICY, s.assessing)
    again, repeated = open_request(who, body_for(elder), STREET_AS_OF, POLICY, s.assessing)
    assert created and not repeated and again == doc
    deadline = STREET_AS_OF + timedelta(days=POLICY.assessment.deadline_days)
    assert (doc["status"], doc["deadline"]) == ("open", deadline.isoformat())
    stored, key = s.assessing.requests.get_request(elder.district_id, doc["request_id"])
    assert (stored.elder_id, stored.status, key) == (elder.elder_id, RequestStatus.OPEN, None)
    later = STREET_AS_OF + timedelta(days=3)
    with pytest.raises(ConflictError, match=doc["request_id"]):
        open_request(who, body_for(elder), later, POLICY, s.assessing)


def test_the_family_and_officials_may_ask_and_others_may_not(one_street: Registry) -> None:
    s = stores(one_street)
    elder = unrequested(s, one_street)
    family = Caller("f", Role.FAMILY, elder.elder_id)
    assert open_request(family, body_for(elder), STREET_AS_OF, POLICY, s.assessing)[1]
    other = next(e for e in one_street.elders if e.community_id != elder.community_id)
    outsiders = [
        Caller("f", Role.FAMILY, elder.elder_id),  # another elder's family
        Caller("x", Role.ASSESSOR, elder.district_id),
        Caller("s", Role.STREET_OFFICIAL, "S-elsewhere"),
    ]
    stranger = next((w for w in one_street.stewards if w.community_id != other.community_id), None)
    if stranger is not None:
        outsiders.append(Caller(stranger.steward_id, Role.STEWARD, stranger.steward_id))
    for who in outsiders:
        with pytest.raises(ForbiddenError):
            open_request(who, body_for(other), STREET_AS_OF, POLICY, s.assessing)
    official = Caller("o", Role.STREET_OFFICIAL, other.street_id)
    assert open_request(official, body_for(other), STREET_AS_OF, POLICY, s.assessing)[1]


def test_an_unknown_elder_or_one_out_of_care_is_refused_and_nothing_is_stored(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    elder = unrequested(s, one_street)
    before = list(s.assessing.requests.requests_of(elder.district_id))
    with pytest.raises(NotFoundError):
        open_request(ADMIN, body_for(elder, elder_id="E-none"), STREET_AS_OF, POLICY, s.assessing)
    s.assessing.elders.save_elders([replace(elder, status=ElderStatus.DECEASED)])
    with pytest.raises(ValidationError, match="no longer in care"):
        open_request(ADMIN, body_for(elder), STREET_AS_OF, POLICY, s.assessing)
    assert list(s.assessing.requests.requests_of(elder.district_id)) == before


def test_the_summary_counts_requests_and_grades_the_done_ones_from_their_scores(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    who = Caller("x", Role.ASSESSOR, s.district)
    before = summary(ADMIN, "city", STREET_AS_OF, POLICY, s.assessing).districts[0]
    assert before.done == 0 and before.open == len(s.requests)
    record_result(who, s.body(), "key-1", NOW, POLICY, s.assessing)  # disabled: total 32

    row = summary(ADMIN, f"district:{s.district}", STREET_AS_OF, POLICY, s.assessing).districts[0]
    assert (row.open, row.done) == (before.open - 1, 1)
    assert (row.by_ability_level, row.by_care_level, row.bed_eligible) == (
        {"severe": 1},
        {"disabled": 1},
        1,
    )
    late = STREET_AS_OF + timedelta(days=400)
    assert summary(ADMIN, "city", late, POLICY, s.assessing).districts[0].overdue == row.open
    with pytest.raises(ForbiddenError):
        summary(Caller("o", Role.DISTRICT_OFFICIAL, s.district), "city", late, POLICY, s.assessing)
    with pytest.raises(ValidationError, match="scope"):
        summary(ADMIN, "street:S1", late, POLICY, s.assessing)
