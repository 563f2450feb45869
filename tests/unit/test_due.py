"""Due-visit selection: cadence, the monthly rule, days off, look-ahead."""

from dataclasses import replace
from datetime import date, timedelta

from careroute.domain import Category, ElderStatus, Steward, Tier, TimeWindow, TravelMode
from careroute.due import rule_deadline, select_due, working_days_between
from careroute.policy import load_policy
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
T1_ELDER = elder(Category.LIVING_ALONE, Category.DISABLED)
T3_ELDER = elder(Category.EMPTY_NEST)


def test_a_weekly_elder_is_mandatory_seven_days_after_the_last_visit() -> None:
    visited = replace(T1_ELDER, last_visited_on=date(2026, 12, 1))  # a Tuesday
    due = select_due([visited], STEWARD, date(2026, 12, 8), POLICY)
    assert [(d.tier, d.slack_days, d.mandatory) for d in due] == [(Tier.T1, 0, True)]


def test_a_weekly_elder_is_not_offered_long_before_its_deadline() -> None:
    visited = replace(T1_ELDER, last_visited_on=date(2026, 12, 1))
    assert select_due([visited], STEWARD, date(2026, 12, 3), POLICY) == []


def test_a_deadline_on_a_weekend_moves_back_to_friday() -> None:
    visited = replace(T1_ELDER, last_visited_on=date(2026, 11, 29))  # Sunday -> due Sun 6 Dec
    due = select_due([visited], STEWARD, date(2026, 12, 4), POLICY)  # Friday
    assert due[0].deadline == date(2026, 12, 4)
    assert due[0].mandatory


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


def test_inactive_elders_and_elders_visited_today_are_not_due() -> None:
    on = date(2026, 12, 8)
    hospitalised = replace(T1_ELDER, elder_id="E2", status=ElderStatus.HOSPITALISED)
    visited_today = replace(T1_ELDER, elder_id="E3", last_visited_on=on)
    assert select_due([hospitalised, visited_today], STEWARD, on, POLICY) == []


def test_due_visits_come_most_urgent_first() -> None:
    on = date(2026, 12, 8)
    overdue = replace(T1_ELDER, elder_id="E1", last_visited_on=date(2026, 11, 20))
    soon = replace(T3_ELDER, elder_id="E2", last_visited_on=date(2026, 11, 10))
    due = select_due([soon, overdue], STEWARD, on, POLICY)
    assert [d.elder.elder_id for d in due] == ["E1", "E2"]
    assert due[0].slack_days < 0 and due[0].mandatory


def test_working_days_between_counts_only_the_stewards_working_days() -> None:
    monday = date(2026, 11, 30)
    for span in range(0, 40):
        end = monday + timedelta(days=span)
        brute = sum(1 for k in range(1, span + 1) if STEWARD.works_on(monday + timedelta(days=k)))
        assert working_days_between(monday, end, STEWARD) == brute
