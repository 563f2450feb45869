"""Holiday duty days: which closures a tier's cadence cannot bridge, and the days worked in them."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from careroute.adapters.china_calendar import PACKAGE_HOLIDAYS, PACKAGE_WORKDAYS
from careroute.domain.holiday_duty import (
    Closure,
    HolidayDuty,
    closures,
    duty_dates,
    duty_days,
    parse_holiday_duty,
)
from careroute.domain.vocabulary import Tier

WEEKEND = frozenset({5, 6})


def test_the_national_day_week_is_one_closure_from_the_first_to_the_seventh_of_october() -> None:
    found = closures(PACKAGE_HOLIDAYS, WEEKEND, PACKAGE_WORKDAYS)
    autumn = [c for c in found if date(2026, 9, 1) <= c.first <= date(2026, 10, 31)]
    assert autumn == [
        Closure(date(2026, 9, 25), date(2026, 9, 27)),  # Mid-Autumn with its weekend
        Closure(date(2026, 10, 1), date(2026, 10, 7)),  # Saturday 10 October is worked
    ]
    assert autumn[1].gap_days == 8  # from Wednesday 30 September to Thursday 8 October


def test_a_weekend_next_to_a_holiday_belongs_to_its_closure() -> None:
    """Given Friday 1 January 2027 off, when the steward's weekend follows, then the closure
    runs to Sunday: from Thursday 31 December to Monday 4 January."""
    (closure,) = closures([date(2027, 1, 1)], WEEKEND)
    assert (closure.first, closure.last, closure.gap_days) == (
        date(2027, 1, 1),
        date(2027, 1, 3),
        4,
    )


def test_weekly_visits_get_two_duty_days_in_the_national_day_week() -> None:
    closure = Closure(date(2026, 10, 1), date(2026, 10, 7))
    assert duty_days(closure, 7) == [date(2026, 10, 3), date(2026, 10, 5)]


def test_the_spring_festival_2026_gets_duty_days_no_more_than_half_a_week_apart() -> None:
    (closure,) = [
        c
        for c in closures(PACKAGE_HOLIDAYS, WEEKEND, PACKAGE_WORKDAYS)
        if c.first == date(2026, 2, 15)
    ]
    assert closure.last == date(2026, 2, 23)  # Saturday 14 February is a make-up working day
    days = duty_days(closure, 7)
    assert days == [date(2026, 2, 17), date(2026, 2, 21)]
    worked = [date(2026, 2, 14), *days, date(2026, 2, 24)]
    assert max((b - a).days for a, b in pairwise(worked)) <= 4


@pytest.mark.parametrize(
    ("closure", "cadence"),
    [
        (Closure(date(2026, 9, 25), date(2026, 9, 27)), 7),  # a long weekend
        (Closure(date(2026, 10, 1), date(2026, 10, 7)), 14),  # fortnightly visits
        (Closure(date(2026, 10, 1), date(2026, 10, 6)), 7),  # a visit before is just in time
    ],
)
def test_no_duty_day_where_the_visit_before_the_closure_is_in_time_after_it(
    closure: Closure, cadence: int
) -> None:
    assert closure.gap_days <= cadence
    assert duty_days(closure, cadence) == []


def test_the_policy_table_names_the_tiers_on_duty() -> None:
    assert parse_holiday_duty({}, "policy: holiday_duty") == HolidayDuty(frozenset({Tier.T1}))
    both = parse_holiday_duty({"tiers": ["T1", "T2"]}, "policy: holiday_duty")
    assert both.tiers == frozenset({Tier.T1, Tier.T2})
    assert parse_holiday_duty({"tiers": []}, "policy: holiday_duty").tiers == frozenset()
    with pytest.raises(ValueError, match=r"holiday_duty.tiers: unknown tiers \['T9'\]"):
        parse_holiday_duty({"tiers": ["T9"]}, "policy: holiday_duty")
    with pytest.raises(ValueError, match="unknown keys"):
        parse_holiday_duty({"days": 2}, "policy: holiday_duty")


def test_a_stewards_duty_dates_follow_the_shortest_cadence_on_duty() -> None:
    """Given weekly T1 and fortnightly T2, when only T2 is on duty, then the National Day week
    (8 days from the last working day to the next) needs none; with T1, two."""
    cadences = {Tier.T1: 7, Tier.T2: 14, Tier.T3: None}
    october = [day for day in PACKAGE_HOLIDAYS if day.year == 2026 and day.month == 10]
    fortnightly = HolidayDuty(frozenset({Tier.T2, Tier.T3}))
    assert duty_dates(fortnightly, cadences, WEEKEND, october, PACKAGE_WORKDAYS) == frozenset()
    weekly = duty_dates(HolidayDuty(), cadences, WEEKEND, october, PACKAGE_WORKDAYS)
    assert weekly == {date(2026, 10, 3), date(2026, 10, 5)}
    assert duty_dates(HolidayDuty(frozenset()), cadences, WEEKEND, october) == frozenset()
