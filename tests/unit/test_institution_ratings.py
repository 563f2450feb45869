"""Care institutions' star ratings follow from their latest inspection (the policy's rubric),
and the institutions report sums beds, occupancy and ratings per district: the rubric on
exact numbers, a recorded result changing the rating, and bad input refused with nothing
written."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from careroute.domain.access import Caller, Role
from careroute.domain.errors import ForbiddenError, ValidationError
from careroute.domain.inspections import TargetKind
from careroute.domain.institution_ratings import RatingRubric
from careroute.domain.policy import PolicyError, load_policy, parse_policy
from careroute.domain.vocabulary import Registry
from careroute.service_layer.inspections import record_result
from careroute.service_layer.institutions import institutions
from tests.unit.conftest import STREET_AS_OF
from tests.unit.conftest import STREET_TEN_AM as NOW
from tests.unit.test_inspection_use_cases import ADMIN, a_result, stores

POLICY = load_policy()
RUBRIC = POLICY.inspections.rating
ALL_FIVES = dict.fromkeys(("fire_safety", "hygiene", "care_quality", "staffing", "records"), 5)


@pytest.mark.parametrize(
    ("changes", "rectifications", "stars"),
    [
        ({}, 0, 5),  # 100 %
        ({"records": 1, "staffing": 1}, 0, 4),  # (50 - 8) / 50 = 84 %
        ({"care_quality": 3, "hygiene": 3}, 0, 4),  # (50 - 6 - 4) / 50 = 80 %
        ({"care_quality": 2, "hygiene": 3}, 0, 3),  # 34 / 50 = 68 %
        ({"care_quality": 2, "hygiene": 2, "staffing": 2}, 0, 2),  # 29 / 50 = 58 %
        ({"care_quality": 1, "hygiene": 1, "staffing": 1, "records": 1}, 0, 1),  # 45 %
        ({}, 1, 3),  # a rectification item caps at 3 stars
        ({"fire_safety": 1}, 0, 1),  # the fire-safety veto: 1 star whatever the rest
    ],
)
def test_the_default_rubric_gives_the_stars_of_the_weighted_share(
    changes: dict[str, int], rectifications: int, stars: int
) -> None:
    """Given weights 3/2/3/1/1 (fire safety, hygiene, care quality, staffing, records) and
    thresholds 0 / 50 / 65 / 80 / 90 %, when an inspection scores the items, then the stars
    are the most whose threshold the weighted share reaches, capped as the policy says."""
    assert RUBRIC.stars(ALL_FIVES | changes, rectifications) == stars


def test_an_institution_never_inspected_is_not_rated() -> None:
    assert RUBRIC.stars({}, 0) == 0


def test_the_policy_file_rubric_is_the_one_documented() -> None:
    assert RatingRubric() == RUBRIC
    stricter = {"with_rectification_max": 2, "thresholds": [0, 0.6, 0.7, 0.85, 0.95]}
    raw = {"inspections": {"rating": stricter}}
    base = {
        "monthly_visit_required": True,
        "urgent_finding_t1_days": 30,
        "tiers": {t: {"cadence_days": 7, "service_minutes": 30, "lookahead_days": 3, "rules": []}
                  for t in ("T1", "T2", "T3")},
        "travel": {"circuity": 1.3, "speed_kmh": {"walk": 4.5, "bike": 12.0}},
    }  # fmt: skip
    assert parse_policy(base | raw).inspections.rating.with_rectification_max == 2
    with pytest.raises(PolicyError, match=r"inspections\.rating: thresholds"):
        parse_policy(base | {"inspections": {"rating": {"thresholds": [1, 0, 0, 0, 0]}}})


def test_recording_a_result_rates_the_institution_from_its_scores_and_counts_its_beds(
    one_street: Registry,
) -> None:
    """Given an institution, when an inspector records a result with full marks and counts
    its beds, then the report shows 5 stars, the beds counted and the new occupancy; a later
    result with a fire-safety score of 1 drops it to 1 star."""
    s = stores(one_street)
    full = a_result(s, scores=ALL_FIVES, rectifications=[], beds=120, occupied_beds=90)
    result, created = record_result(s.inspector, full, "k-full", NOW, POLICY, s.ports)
    assert (
        created
        and result["stars"] == 5
        and (result["beds"], result["occupied_beds"])
        == (
            120,
            90,
        )
    )
    report = institutions(ADMIN, f"district:{s.district}", STREET_AS_OF, RUBRIC, s.ports)
    row = next(r for r in report.institutions if r.target_id == full.target_id)
    assert (row.stars, row.score, row.beds, row.occupied_beds, row.occupancy) == (
        5,
        100,
        120,
        90,
        0.75,
    )
    assert row.last_inspected == NOW.date() and row.rectifications == 0

    later = NOW + timedelta(hours=2)
    vetoed = a_result(s, scores=ALL_FIVES | {"fire_safety": 1}, inspected_at=later)
    record_result(s.inspector, vetoed, "k-veto", later, POLICY, s.ports)
    report = institutions(ADMIN, f"district:{s.district}", STREET_AS_OF, RUBRIC, s.ports)
    row = next(r for r in report.institutions if r.target_id == full.target_id)
    assert (row.stars, row.rectifications, row.beds) == (1, 1, 120)  # beds not recounted


def test_the_report_sums_each_district_from_its_institutions(one_street: Registry) -> None:
    s = stores(one_street)
    report = institutions(ADMIN, "city", STREET_AS_OF, RUBRIC, s.ports)
    expected = [t for t in s.world.targets if t.kind is TargetKind.INSTITUTION]
    assert len(report.institutions) == len(expected) == report.total.institutions > 0
    assert report.total.beds == sum(t.beds for t in expected)
    assert report.total.occupied_beds == sum(t.occupied_beds for t in expected)
    assert sum(report.total.by_stars) == len(expected)
    for row, target in zip(
        report.institutions, sorted(expected, key=lambda t: t.target_id), strict=True
    ):
        assert row.stars == target.stars(RUBRIC) >= 1  # every synthetic one has a last result
    district = report.districts[0]
    assert (district.beds, district.occupied_beds) == (
        report.total.beds,
        report.total.occupied_beds,
    )


@pytest.mark.parametrize(
    ("changes", "fault"),
    [
        ({"beds": 50, "occupied_beds": 60}, "occupied_beds"),
        ({"beds": 50}, "both or neither"),
    ],
)
def test_a_bad_bed_count_is_refused_and_nothing_is_written(
    one_street: Registry, changes: dict[str, object], fault: str
) -> None:
    s = stores(one_street)
    body = a_result(s, **changes)
    before = s.ports.targets.get_target(body.target_id)
    with pytest.raises(ValidationError, match=fault):
        record_result(s.inspector, body, "k-bad", NOW, POLICY, s.ports)
    assert s.ports.targets.get_target(body.target_id) == before
    assert list(s.ports.tickets.open_tickets()) == []


def test_a_home_care_bed_result_may_not_carry_bed_counts(one_street: Registry) -> None:
    s = stores(one_street)
    bed = next(t for t in s.world.targets if t.kind is TargetKind.HOME_CARE_BED)
    scores = dict.fromkeys(("devices_online", "emergency_response", "bed_safety", "care_plan"), 4)
    body = a_result(
        s, target_id=bed.target_id, scores=scores, rectifications=[], beds=1, occupied_beds=1
    )
    with pytest.raises(ValidationError, match="care institutions only"):
        record_result(s.inspector, body, "k-hcb", NOW, POLICY, s.ports)
    assert s.ports.targets.get_target(bed.target_id) == replace(bed)


def test_the_report_is_read_by_the_city_admin_and_the_districts_own_officials_only(
    one_street: Registry,
) -> None:
    s = stores(one_street)
    official = Caller("d", Role.DISTRICT_OFFICIAL, s.district)
    assert institutions(official, f"district:{s.district}", STREET_AS_OF, RUBRIC, s.ports)
    for who, scope in (
        (official, "city"),
        (Caller("d", Role.DISTRICT_OFFICIAL, "D99"), f"district:{s.district}"),
        (Caller("s", Role.STREET_OFFICIAL, one_street.communities[0].street_id), "city"),
    ):
        with pytest.raises(ForbiddenError):
            institutions(who, scope, STREET_AS_OF, RUBRIC, s.ports)
    with pytest.raises(ValidationError, match="scope"):
        institutions(
            ADMIN, f"street:{one_street.communities[0].street_id}", STREET_AS_OF, RUBRIC, s.ports
        )
