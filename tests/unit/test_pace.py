"""The coverage-pace figure: due elders visited vs the month's working days done."""

from __future__ import annotations

from datetime import date

import pytest

from careroute.domain.pace import month_pace, working_days


def test_a_month_has_its_weekdays_less_the_holidays_as_working_days() -> None:
    assert len(working_days("2026-12")) == 23
    new_year = working_days("2027-01", [date(2027, 1, 1)])
    assert date(2027, 1, 1) not in new_year
    assert len(new_year) == 20


def test_coverage_that_keeps_up_with_the_month_is_on_pace() -> None:
    """Given 10 of 23 working days done, when 10/23 of the due elders are visited, then
    coverage does not trail the month."""
    tenth = working_days("2026-12")[9]
    pace = month_pace(tenth, elders_due=2300, elders_visited=1000)
    assert (pace.working_days_done, pace.working_days) == (10, 23)
    assert pace.lag_points == 0.0


def test_coverage_behind_the_month_trails_by_the_difference_in_points() -> None:
    last = working_days("2026-12")[-1]
    pace = month_pace(last, elders_due=1000, elders_visited=800)
    assert pace.elapsed_share == 1.0
    assert pace.lag_points == 20.0


def test_a_weekend_day_counts_the_working_days_before_it() -> None:
    saturday = date(2026, 12, 5)
    assert month_pace(saturday, 100, 0).working_days_done == 4  # Tue 1 to Fri 4


def test_a_holiday_does_not_move_the_month_on() -> None:
    on = date(2026, 12, 4)
    plain = month_pace(on, 100, 20)
    with_holiday = month_pace(on, 100, 20, [date(2026, 12, 3)])
    assert with_holiday.working_days_done == plain.working_days_done - 1
    assert with_holiday.working_days == plain.working_days - 1


def test_nobody_due_is_never_behind_and_visits_beyond_due_count_as_all() -> None:
    assert month_pace(date(2026, 12, 31), 0, 0).lag_points == 0.0
    assert month_pace(date(2026, 12, 1), 10, 12).visited_share == 1.0


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        month_pace(date(2026, 12, 1), -1, 0)
