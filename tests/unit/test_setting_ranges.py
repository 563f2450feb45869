"""A policy section's number settings declare their range with their default (`setting`);
one check (`check_ranges`) refuses a value outside it, naming the setting and the range, and
the policy table's parser names the section too."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from careroute.domain.day_care import DayCarePolicy
from careroute.domain.inspections import InspectionPolicy
from careroute.domain.policy_tables import Range, check_ranges, plain_settings, setting


@dataclass(frozen=True)
class Section:
    count: int = setting(3, low=0)
    days: int = setting(7, 1, 31)
    speed: float = setting(20.0, above=0, high=120)
    limit: int = setting(5, high=10)

    def __post_init__(self) -> None:
        check_ranges(self)


def test_the_defaults_are_in_range_and_each_bound_is_inclusive_but_above() -> None:
    assert Section() == Section(3, 7, 20.0, 5)
    assert Section(0, 1, 120.0, 10) == Section(count=0, days=1, speed=120.0, limit=10)
    assert Section(days=31, speed=0.001).speed == 0.001


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"count": -1}, "count must be at least 0"),
        ({"days": 0}, "days must be between 1 and 31"),
        ({"days": 32}, "days must be between 1 and 31"),
        ({"speed": 0.0}, "speed must be above 0 and at most 120"),
        ({"speed": 121.0}, "speed must be above 0 and at most 120"),
        ({"limit": 11}, "limit must be at most 10"),
    ],
)
def test_a_value_outside_its_range_is_refused_naming_the_setting_and_the_range(
    values: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        Section(**values)  # type: ignore[arg-type]


def test_a_range_reads_as_its_bounds() -> None:
    assert str(Range(above=0)) == "above 0"
    assert str(Range(low=2)) == "at least 2"


def test_the_policy_tables_refuse_an_out_of_range_setting_naming_the_section_and_key() -> None:
    day_care = plain_settings(DayCarePolicy)
    with pytest.raises(ValueError, match=r"^\[day_care\]: days_ahead must be between 0 and 90$"):
        day_care({"days_ahead": 91}, "[day_care]")
    assert day_care({"days_ahead": 90}, "[day_care]") == DayCarePolicy(days_ahead=90)
    with pytest.raises(ValueError, match="home_care_bed_days must be between 1 and 730"):
        InspectionPolicy(home_care_bed_days=0)
