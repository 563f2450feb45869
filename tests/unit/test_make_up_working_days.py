"""Make-up working days (调休) in a steward's calendar: a make-up Saturday is worked, counted
in the slack between days, can carry a deadline and is covered when the steward is away;
leave and holidays still win."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from careroute.domain.due import WorkCalendar, working_days_between, working_deadline
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Community, GeoPoint
from careroute.planning.absence_cover import Workload, visits_to_cover
from tests.unit.test_cover import ROOMY
from tests.unit.test_due import STEWARD, T1_ELDER

WEEKEND = frozenset({5, 6})
MAKE_UP_SATURDAY = date(2026, 10, 10)  # worked to bridge the 2026 National Day week
NATIONAL_DAY = frozenset(date(2026, 10, d) for d in range(1, 8))
MADE_UP = frozenset({MAKE_UP_SATURDAY})
POLICY = load_policy()
COMMUNITY = Community("C1", "C1", "S1", "街道", "D1", "区", GeoPoint(41.8, 123.4), 400)


def calendar(*, leave: frozenset[date] = frozenset()) -> WorkCalendar:
    return WorkCalendar(WEEKEND, NATIONAL_DAY | leave, MADE_UP)


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


def test_an_absent_stewards_visits_on_a_make_up_saturday_are_covered() -> None:
    """A steward away on the make-up Saturday would have worked it: the visit due that day is
    pressing for the neighbours; on an ordinary Saturday there is nothing to cover."""
    due = replace(T1_ELDER, elder_id="E1", last_visited_on=MAKE_UP_SATURDAY - timedelta(days=7))
    away = replace(STEWARD, leave=frozenset({MAKE_UP_SATURDAY}))
    workload = Workload(COMMUNITY, away, [due], ROOMY)
    covered = visits_to_cover(workload, MAKE_UP_SATURDAY, NATIONAL_DAY, POLICY, MADE_UP)
    assert [v.elder_id for v in covered if v.pressing] == ["E1"]
    assert visits_to_cover(workload, MAKE_UP_SATURDAY, NATIONAL_DAY, POLICY) == []
