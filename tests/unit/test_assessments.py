"""Needs assessments: which requests a day takes, routing to qualified assessors only, what a
graded level does to the elder's categories and subsidy, and the synthetic requests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from careroute_synthetic.assessments import generate_assessments
from careroute_synthetic.city import generate_city

from careroute.domain.assessments import (
    QUALIFIED,
    AssessmentRequest,
    AssessmentRules,
    Assessor,
    RequestStatus,
    candidates,
    categories_after,
    request_id,
    within_reach,
)
from careroute.domain.eligibility import Benefits, CareLevel
from careroute.domain.vocabulary import Category, Elder, GeoPoint, TimeWindow
from careroute.planning.assessments import assessment_problem, route_documents
from careroute.routing import SolveLimits, solve_fleet

DAY = date(2026, 12, 1)  # a Tuesday
NEXT = DAY + timedelta(days=1)
RULES = AssessmentRules()
OFFICE = GeoPoint(41.79, 123.40)


def request(n: int, deadline: date, **kw: object) -> AssessmentRequest:
    where = GeoPoint(41.79 + n * 0.003, 123.40)
    base = AssessmentRequest(f"R{n}", f"E{n}", "C0001", "S001", "D01", where,
                             DAY - timedelta(days=10), deadline)  # fmt: skip
    return replace(base, **kw)  # type: ignore[arg-type]


def test_a_deadline_before_the_next_working_day_is_mandatory_later_ones_optional() -> None:
    month_away = DAY + timedelta(days=30)
    requests = [request(1, NEXT + timedelta(days=2)), request(2, DAY), request(3, month_away)]
    chosen = candidates(requests, DAY, NEXT, RULES)
    assert [(c.request.request_id, c.penalty is None) for c in chosen] == [
        ("R2", True),
        ("R1", False),
    ]


def test_the_penalty_grows_as_the_deadline_nears() -> None:
    soon, later = request(1, NEXT + timedelta(days=1)), request(2, NEXT + timedelta(days=3))
    by_id = {c.request.request_id: c.penalty for c in candidates([soon, later], DAY, NEXT, RULES)}
    assert by_id["R1"] > by_id["R2"] > 0


def test_done_and_future_requests_are_not_routed() -> None:
    done = request(1, DAY, status=RequestStatus.DONE, level=CareLevel.SEMI_DISABLED)
    future = request(2, DAY, requested_on=DAY + timedelta(days=1))
    assert candidates([done, future], DAY, NEXT, RULES) == []


def test_only_qualified_assessors_get_requests_and_mandatory_ones_are_all_routed() -> None:
    requests = [request(n, DAY) for n in range(1, 5)]
    assessors = [Assessor("A1", "D01", OFFICE, frozenset()),
                 Assessor("A2", "D01", OFFICE, frozenset({QUALIFIED}))]  # fmt: skip
    chosen = candidates(requests, DAY, NEXT, RULES)
    problem = assessment_problem(chosen, assessors, RULES, circuity=1.3)
    result = solve_fleet(problem, SolveLimits(time_limit_ms=300))
    docs = route_documents("D01", DAY, chosen, problem, result)
    by_assessor = {d["assessor_id"]: [s["request_id"] for s in d["stops"]] for d in docs}
    assert by_assessor["A1"] == [] and sorted(by_assessor["A2"]) == ["R1", "R2", "R3", "R4"]
    assert all(s["mandatory"] and "name" not in s for s in docs[1]["stops"])


def test_an_assessor_day_holds_at_most_six_assessments_of_an_hour() -> None:
    """Given the home hours 09:00-16:30 less lunch 12:00-13:00 (6.5 hours), when an hour's
    assessments are counted, then six fit; an afternoon shift, 13:00-17:00, holds three."""
    assessor = Assessor("A1", "D01", OFFICE, frozenset({QUALIFIED}))
    assert assessor.most_assessments(RULES) == 6
    afternoon = replace(assessor, shift=TimeWindow.parse("13:00", "17:00"))
    assert afternoon.most_assessments(RULES) == 3


def test_a_backlog_beyond_the_day_routes_four_days_of_it_those_still_on_time_first() -> None:
    """Given 30 mandatory requests (4 due today, 26 past due) and 60 optional ones, one
    qualified assessor (6 a day) and one unqualified, when the day's reach is taken, then 24
    are routed: the 4 due today, then the 20 oldest past due; with only 4 mandatory ones
    past due, those and the 20 optional ones due first; the others wait."""
    mandatory = [request(n, DAY - timedelta(days=n % 7)) for n in range(1, 31)]
    optional = [request(n, NEXT + timedelta(days=n % 5)) for n in range(31, 91)]
    assessors = [Assessor("A1", "D01", OFFICE, frozenset({QUALIFIED})),
                 Assessor("A2", "D01", OFFICE, frozenset())]  # fmt: skip
    chosen = candidates(mandatory + optional, DAY, NEXT, RULES)
    kept = within_reach(chosen, DAY, assessors, RULES)
    assert len(chosen) == 90 and len(kept) == 24 and all(c.penalty is None for c in kept)
    assert [c.request.deadline for c in kept[:4]] == [DAY] * 4
    left = [c for c in chosen if c not in kept]
    assert max(c.request.deadline for c in kept[4:]) <= min(c.request.deadline for c in left)
    few = candidates(mandatory[:4] + optional, DAY, NEXT, RULES)
    kept = within_reach(few, DAY, assessors, RULES)
    assert kept == few[:24] and [c.penalty is None for c in kept[:5]] == [True] * 4 + [False]
    assert [c.request.request_id for c in kept[:4]] == ["R4", "R3", "R2", "R1"]
    assert max(c.request.deadline for c in kept) <= min(c.request.deadline for c in few[24:])
    assert within_reach(chosen, DAY, assessors[1:], RULES) == []


@pytest.mark.parametrize(
    ("before", "level", "after"),
    [
        ({Category.DISABLED, Category.LIVING_ALONE}, CareLevel.SELF_CARE, {Category.LIVING_ALONE}),
        ({Category.EMPTY_NEST}, CareLevel.SEMI_DISABLED, {Category.EMPTY_NEST, Category.DISABLED}),
        ({Category.SEVERELY_HANDICAPPED}, CareLevel.SELF_CARE, {Category.SEVERELY_HANDICAPPED}),
        ({Category.DISABLED}, CareLevel.DISABLED, {Category.DISABLED}),
    ],
)
def test_a_grade_keeps_the_disabled_category_in_step(
    before: set[Category], level: CareLevel, after: set[Category]
) -> None:
    assert categories_after(frozenset(before), level) == frozenset(after)


def test_an_assessed_level_sets_the_care_subsidy_over_the_categories() -> None:
    elder = Elder("E1", "C0001", "S001", "D01", OFFICE, frozenset({Category.DISABLED}),
                  date(1940, 1, 1), TimeWindow.parse("08:30", "17:00"), "", "")  # fmt: skip
    rules = dict(Benefits().qualifying(elder, DAY))
    assert "care_subsidy_semi" in rules
    graded = dict(Benefits().qualifying(replace(elder, care_level="disabled"), DAY))
    assert graded.get("care_subsidy_disabled") == 600 and "care_subsidy_semi" not in graded


def test_synthetic_requests_are_deterministic_and_only_for_elders_with_a_care_level() -> None:
    city = generate_city(3, as_of=DAY, districts=["Heping"], scale=0.05)
    assessors, requests = generate_assessments(city.communities, city.elders, 3, DAY)
    assert (assessors, requests) == generate_assessments(city.communities, city.elders, 3, DAY)
    assert sum(1 for a in assessors if QUALIFIED in a.skills) == 2 and len(assessors) == 3
    by_id = {e.elder_id: e for e in city.elders}
    assert requests and all(
        by_id[r.elder_id].categories & {Category.DISABLED, Category.SEVERELY_HANDICAPPED}
        for r in requests
    )
    assert all(r.request_id == request_id(r.elder_id, r.requested_on) for r in requests)


def test_bad_rules_are_rejected() -> None:
    with pytest.raises(ValueError):
        AssessmentRules(service_minutes=0)
