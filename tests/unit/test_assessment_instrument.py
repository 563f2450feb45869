"""The needs-assessment instrument (policy `[assessment]`, GB/T 42195-2022's dimensions):
scores give a total, its band the ability level, and the policy the care level and
home-care-bed eligibility; bad scores are refused naming the dimension (a bad `[assessment]`
table, with every section's, in test_policy_sections.py)."""

from __future__ import annotations

import pytest

from careroute.domain.assessment_instrument import AbilityLevel, Instrument, parse_instrument
from careroute.domain.eligibility import CareLevel
from careroute.domain.policy import load_policy

INSTRUMENT = load_policy().assessment

SCORES_FOR = {
    "self": {"self_care": 32, "basic_movement": 16, "mental_state": 28, "perception_social": 14},
    "semi": {"self_care": 28, "basic_movement": 14, "mental_state": 20, "perception_social": 10},
    "disabled": {"self_care": 10, "basic_movement": 5, "mental_state": 12, "perception_social": 5},
}
"""Scores that give each care level with the default instrument (totals 90, 72, 32)."""


def scores_for(level: str) -> dict[str, int]:
    return dict(SCORES_FOR[level])


@pytest.mark.parametrize(
    ("total_of", "ability", "care", "bed"),
    [
        ((32, 16, 28, 14), AbilityLevel.INTACT, CareLevel.SELF_CARE, False),  # 90
        ((32, 16, 28, 13), AbilityLevel.MILD, CareLevel.SEMI_DISABLED, False),  # 89
        ((20, 10, 26, 10), AbilityLevel.MILD, CareLevel.SEMI_DISABLED, False),  # 66
        ((20, 10, 25, 10), AbilityLevel.MODERATE, CareLevel.SEMI_DISABLED, True),  # 65
        ((10, 10, 16, 10), AbilityLevel.MODERATE, CareLevel.SEMI_DISABLED, True),  # 46
        ((10, 10, 15, 10), AbilityLevel.SEVERE, CareLevel.DISABLED, True),  # 45
        ((10, 5, 10, 5), AbilityLevel.SEVERE, CareLevel.DISABLED, True),  # 30
        ((10, 5, 9, 5), AbilityLevel.TOTAL, CareLevel.DISABLED, True),  # 29
        ((0, 0, 0, 0), AbilityLevel.TOTAL, CareLevel.DISABLED, True),
    ],
)
def test_the_total_falls_in_a_band_that_gives_the_care_level_and_bed_eligibility(
    total_of: tuple[int, int, int, int], ability: AbilityLevel, care: CareLevel, bed: bool
) -> None:
    """Given the default bands (90 / 66-89 / 46-65 / 30-45 / 0-29), when a result scores the
    four dimensions, then the total's band is the ability level, and the policy maps it."""
    names = ("self_care", "basic_movement", "mental_state", "perception_social")
    grade = INSTRUMENT.grade(dict(zip(names, total_of, strict=True)))
    assert (grade.total, grade.ability, grade.care_level, grade.bed_eligible) == (
        sum(total_of),
        ability,
        care,
        bed,
    )


def test_the_sample_scores_give_the_levels_they_are_named_for() -> None:
    for level, scores in SCORES_FOR.items():
        assert INSTRUMENT.grade(scores).care_level.value == level


@pytest.mark.parametrize(
    ("scores", "fault"),
    [
        (scores_for("self") | {"self_care": 33}, "scores.self_care: must be 0..32"),
        (scores_for("self") | {"mental_state": -1}, "scores.mental_state"),
        ({"self_care": 10}, "need each of"),
        (scores_for("self") | {"adl": 3}, "need each of"),
    ],
)
def test_bad_scores_are_refused_naming_the_dimension(scores: dict[str, int], fault: str) -> None:
    with pytest.raises(ValueError, match=fault):
        INSTRUMENT.grade(scores)


def test_a_city_may_use_its_own_instrument() -> None:
    """Given a city's own two-dimension instrument out of 100, the bands and mapping follow."""
    own = parse_instrument(
        {
            "dimensions": {"adl": 60, "cognition": 40},
            "bands": {"intact": 95, "mild": 75, "moderate": 50, "severe": 25, "total": 0},
            "care_levels": dict.fromkeys(("intact", "mild"), "self")
            | dict.fromkeys(("moderate", "severe", "total"), "disabled"),
            "bed_levels": ["severe", "total"],
            "deadline_days": 15,
        },
        "assessment",
    )
    grade = own.grade({"adl": 30, "cognition": 30})
    assert (grade.total, grade.ability, grade.care_level, grade.bed_eligible) == (
        60,
        AbilityLevel.MODERATE,
        CareLevel.DISABLED,
        False,
    )
    assert own.deadline_days == 15 and Instrument().deadline_days == 30
