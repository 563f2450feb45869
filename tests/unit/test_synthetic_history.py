"""The synthetic visit history around a public-holiday closure is the one the nightly plan
leaves: visits only on days with routes, and no elder overdue when routes start again.
The main job plans the next of those days, a holiday duty day included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.china_calendar import PACKAGE_HOLIDAYS, PACKAGE_WORKDAYS
from careroute.domain.due import WorkCalendar, due_visit
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Elder, Registry, Steward, Tier
from careroute.service_layer.route_plan import steward_calendar
from careroute_local.main_job import next_plan_date, next_working_day

POLICY = load_policy()
HOLIDAYS, WORKDAYS = frozenset(PACKAGE_HOLIDAYS), frozenset(PACKAGE_WORKDAYS)
EVE_OF_NATIONAL_DAY = date(2026, 9, 30)  # the last working day before the week off (1-7 Oct)
AROUND_CLOSURES = [
    EVE_OF_NATIONAL_DAY,
    date(2026, 10, 2),  # inside the week, before its first duty day (3 October)
    date(2026, 10, 5),  # its second duty day
    date(2026, 10, 8),  # the first day back
    date(2026, 2, 27),  # after the 2026 Spring Festival closure
]


def heping(as_of: date) -> Registry:
    return generate_city(11, as_of=as_of, districts=["Heping"], scale=0.05)


def tier_calendar(elder: Elder, steward: Steward, as_of: date) -> WorkCalendar:
    """The days the nightly plan visits the elder's tier (the product's steward calendar)."""
    calendar = steward_calendar(steward, POLICY, HOLIDAYS, WORKDAYS)
    on_duty = POLICY.tier_of(elder, as_of) in POLICY.holiday_duty.tiers
    return calendar.with_duty() if on_duty else calendar


def first_day_with_routes(calendar: WorkCalendar, after: date) -> date:
    day = after + timedelta(days=1)
    while not calendar.works_on(day):
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("as_of", AROUND_CLOSURES, ids=str)
def test_visits_were_made_only_on_days_with_routes_and_none_is_overdue_after(
    as_of: date,
) -> None:
    city = heping(as_of)
    stewards = {s.community_id: s for s in city.stewards}
    for elder in city.elders:
        calendar = tier_calendar(elder, stewards[elder.community_id], as_of)
        assert elder.last_visited_on is not None and elder.last_visited_on < as_of
        assert calendar.works_on(elder.last_visited_on), (elder.elder_id, elder.last_visited_on)
        back_again = first_day_with_routes(calendar, as_of)
        due = due_visit(elder, calendar, back_again, POLICY)
        assert due.slack_days >= 0, (elder.elder_id, elder.last_visited_on, due.deadline)


def test_the_eve_of_national_day_leaves_the_weekly_elders_to_the_duty_days() -> None:
    """Weekly (T1) elders were last visited on the working days before the week, not on the
    Mid-Autumn holiday (25 September) nor its weekend; so they are due on a duty day."""
    city = heping(EVE_OF_NATIONAL_DAY)
    weekly = [e for e in city.elders if POLICY.tier_of(e, EVE_OF_NATIONAL_DAY) is Tier.T1]
    assert weekly
    assert {e.last_visited_on for e in weekly} <= {date(2026, 9, 28), date(2026, 9, 29)}


def test_away_from_holidays_the_history_is_unchanged_weekdays() -> None:
    city = heping(date(2026, 12, 8))
    assert {e.last_visited_on.weekday() for e in city.elders if e.last_visited_on} <= set(range(5))


@pytest.mark.parametrize(
    ("today", "plan_date"),
    [
        (EVE_OF_NATIONAL_DAY, date(2026, 10, 3)),  # the week's first duty day
        (date(2026, 10, 3), date(2026, 10, 5)),
        (date(2026, 10, 5), date(2026, 10, 8)),  # the first day back
        (date(2026, 10, 9), date(2026, 10, 10)),  # a make-up working Saturday
        (date(2026, 12, 4), date(2026, 12, 7)),  # a Friday: the weekend has no duty
        (date(2026, 12, 7), date(2026, 12, 8)),
    ],
    ids=str,
)
def test_the_main_job_plans_the_next_day_with_routes(today: date, plan_date: date) -> None:
    assert next_plan_date(today) == plan_date


def test_the_next_working_day_still_skips_the_duty_days() -> None:
    assert next_working_day(EVE_OF_NATIONAL_DAY) == date(2026, 10, 8)
