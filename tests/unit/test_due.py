"""Deadlines: cadence, the monthly rule, days off, leave and public holidays."""

from dataclasses import replace
from datetime import date, timedelta

from careroute.domain.due import WorkCalendar, due_visit, rule_deadline, working_days_between
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Category, Steward, Tier, TimeWindow, TravelMode
from tests.unit.test_policy import elder

POLICY = load_policy()
STEWARD = Steward(
    steward_id="W1",
    community_id="C1",
    name="李娜",
    shift=TimeWindow.parse("08:30", "17:00"),
    lunch_break=TimeWindow.parse("12:00", "13:30"),
    mode=TravelMode.WALK,
)
CALENDAR = WorkCalendar.of(STEWARD)
T1_ELDER = elder(Category.LIVING_ALONE, Category.DISABLED)
T2_ELDER = elder(Category.DISABLED)
T3_ELDER = elder(Category.EMPTY_NEST)


def test_a_weekly_elder_is_mandatory_seven_days_after_the_last_visit() -> None:
    visited = replace(T1_ELDER, last_visited_on=date(2026, 12, 1))  # a Tuesday
    due = due_visit(visited, CALENDAR, date(2026, 12, 8), POLICY)
    assert (due.tier, due.slack_days, due.mandatory) == (Tier.T1, 0, True)
    early = due_visit(visited, CALENDAR, date(2026, 12, 3), POLICY)
    assert (early.deadline, early.slack_days, early.mandatory) == (date(2026, 12, 8), 3, False)


def test_a_deadline_on_a_weekend_moves_back_to_friday() -> None:
    visited = replace(T1_ELDER, last_visited_on=date(2026, 11, 29))  # Sunday -> due Sun 6 Dec
    due = due_visit(visited, CALENDAR, date(2026, 12, 4), POLICY)  # Friday
    assert due.deadline == date(2026, 12, 4)
    assert due.mandatory


def test_a_deadline_on_a_holiday_or_leave_day_moves_to_the_working_day_before() -> None:
    visited = replace(T1_ELDER, last_visited_on=date(2026, 12, 1))  # due Tue 8 Dec
    on = date(2026, 12, 2)
    holiday = WorkCalendar.of(STEWARD, [date(2026, 12, 8)])
    assert due_visit(visited, holiday, on, POLICY).deadline == date(2026, 12, 7)
    on_leave = WorkCalendar.of(replace(STEWARD, leave=frozenset({date(2026, 12, 7)})))
    assert due_visit(visited, on_leave, on, POLICY).deadline == date(2026, 12, 8)
    both = WorkCalendar.of(replace(STEWARD, leave=frozenset({date(2026, 12, 7)})), holiday.closed)
    assert due_visit(visited, both, on, POLICY).deadline == date(2026, 12, 4)


def test_a_monthly_elder_is_due_by_the_end_of_each_calendar_month() -> None:
    visited = replace(T3_ELDER, last_visited_on=date(2026, 11, 3))
    assert rule_deadline(visited, Tier.T3, date(2026, 12, 2), POLICY) == date(2026, 12, 31)
    visited_late = replace(T3_ELDER, last_visited_on=date(2026, 11, 28))
    assert rule_deadline(visited_late, Tier.T3, date(2026, 12, 2), POLICY) == date(2026, 12, 31)
    weekly_at_month_end = replace(T1_ELDER, last_visited_on=date(2026, 12, 28))
    assert rule_deadline(weekly_at_month_end, Tier.T1, date(2026, 12, 29), POLICY) == date(
        2027, 1, 4
    )
    this_month = replace(T3_ELDER, last_visited_on=date(2026, 12, 2))
    assert rule_deadline(this_month, Tier.T3, date(2026, 12, 3), POLICY) == date(2027, 1, 31)


def test_an_overdue_elder_has_negative_slack() -> None:
    overdue = replace(T1_ELDER, last_visited_on=date(2026, 11, 20))
    due = due_visit(overdue, CALENDAR, date(2026, 12, 8), POLICY)
    assert due.slack_days < 0 and due.mandatory


def test_working_days_between_counts_only_the_stewards_working_days() -> None:
    monday = date(2026, 11, 30)
    closed = frozenset({date(2026, 12, 2), date(2026, 12, 5), date(2027, 1, 1)})  # Wed, Sat, Fri
    calendar = WorkCalendar(STEWARD.days_off, closed)
    for span in range(0, 40):
        end = monday + timedelta(days=span)
        days = [monday + timedelta(days=k) for k in range(1, span + 1)]
        assert working_days_between(monday, end, CALENDAR) == sum(map(STEWARD.works_on, days))
        assert working_days_between(monday, end, calendar) == sum(map(calendar.works_on, days))


def test_a_birthday_that_makes_the_tier_stricter_brings_the_deadline_forward() -> None:
    """Living alone, 80 on Thursday 10 December: T2 from then, and a visit after the birthday
    is judged by the 14-day cadence from the last visit (20 November: due 4 December), so the
    visit comes before the birthday (by 9 December) instead of by the month's end."""
    turning_80 = replace(
        elder(Category.LIVING_ALONE),
        birth_date=date(1946, 12, 10),
        last_visited_on=date(2026, 11, 20),
    )
    assert POLICY.tier_of(turning_80, date(2026, 12, 1)) is Tier.T3
    due = due_visit(turning_80, CALENDAR, date(2026, 12, 1), POLICY)
    assert (due.tier, due.deadline) == (Tier.T3, date(2026, 12, 9))
    long_after = replace(turning_80, birth_date=date(1947, 2, 10))  # 80 next February
    assert due_visit(long_after, CALENDAR, date(2026, 12, 1), POLICY).deadline == date(2026, 12, 31)
