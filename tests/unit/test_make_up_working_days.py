"""Make-up working days (调休) in a steward's calendar: a make-up Saturday is worked, counted
in the slack between days and can carry a deadline; leave and holidays still win."""

from __future__ import annotations

from datetime import date

from careroute.domain.due import WorkCalendar, working_days_between, working_deadline

WEEKEND = frozenset({5, 6})
MAKE_UP_SATURDAY = date(2026, 10, 10)  # worked to bridge the 2026 National Day week
NATIONAL_DAY = frozenset(date(2026, 10, d) for d in range(1, 8))


def calendar(*, leave: frozenset[date] = frozenset()) -> WorkCalendar:
    return WorkCalendar(WEEKEND, NATIONAL_DAY | leave, frozenset({MAKE_UP_SATURDAY}))


def test_a_make_up_saturday_is_worked_and_an_ordinary_one_is_not() -> None:
    assert calendar().works_on(MAKE_UP_SATURDAY)
    assert not calendar().works_on(date(2026, 10, 17))
    assert not WorkCalendar(WEEKEND, NATIONAL_DAY).works_on(MAKE_UP_SATURDAY)


def test_leave_on_a_make_up_day_wins() -> None:
    assert not calendar(leave=frozenset({MAKE_UP_SATURDAY})).works_on(MAKE_UP_SATURDAY)


def test_the_working_days_between_count_the_make_up_day() -> None:
    """Fri 9 Oct to Mon 12 Oct: Sat 10 (make-up) and Mon 12; the counting shortcut agrees
    with counting day by day."""
    start, end = date(2026, 10, 9), date(2026, 10, 12)
    assert working_days_between(start, end, calendar()) == 2
    assert working_days_between(start, end, WorkCalendar(WEEKEND, NATIONAL_DAY)) == 1
    for first in (date(2026, 9, 15), date(2026, 9, 30)):
        for last in (date(2026, 10, 10), date(2026, 10, 31)):
            by_day = len(calendar().working_days(first, last)) - calendar().works_on(first)
            assert working_days_between(first, last, calendar()) == by_day


def test_a_deadline_on_a_sunday_moves_back_to_the_make_up_saturday() -> None:
    assert working_deadline(date(2026, 10, 11), calendar(), date(2026, 9, 1)) == MAKE_UP_SATURDAY
    assert working_deadline(date(2026, 10, 4), calendar(), date(2026, 9, 1)) == date(2026, 9, 30)
