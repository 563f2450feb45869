"""Horizon planning: every deadline kept, the month's work level, calendars honoured."""

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

from careroute.domain.due import WorkCalendar, month_end
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import (
    Category,
    Community,
    Elder,
    ElderStatus,
    Steward,
    Tier,
    TimeWindow,
)
from careroute.planning.horizon import DayCapacity, HorizonPlan, pinned_full, plan_horizon
from careroute.service_layer.route_plan import day_capacity
from tests.unit.test_due import STEWARD, T1_ELDER, T2_ELDER, T3_ELDER

POLICY = load_policy()
ROOMY = DayCapacity(visits=16, minutes=420, travel_minutes_per_visit=8)
DEC_1 = date(2026, 12, 1)  # a Tuesday


def _plan(
    community: tuple[Community, Steward, list[Elder]], calendar: WorkCalendar, day: date
) -> HorizonPlan:
    home, steward, elders = community
    return plan_horizon(elders, calendar, day, POLICY, day_capacity(home, steward, elders, POLICY))


def test_every_visit_is_on_a_working_day_no_later_than_its_deadline(community) -> None:
    holidays = [date(2026, 12, 25), date(2027, 1, 1)]
    leave = frozenset({date(2026, 12, 9), date(2026, 12, 10)})
    calendar = WorkCalendar.of(replace(community[1], leave=leave), holidays)
    plan = _plan(community, calendar, DEC_1)
    assert plan.last_day == date(2026, 12, 31)
    assert plan.visits
    for visit in plan.visits:
        assert calendar.works_on(visit.day), visit
        assert visit.day <= visit.deadline, visit


def test_each_active_elder_is_planned_once_before_the_month_ends(community) -> None:
    plan = _plan(community, WorkCalendar.of(community[1]), DEC_1)
    first_visits = Counter(v.elder.elder_id for v in plan.visits if v.occurrence == 0)
    active = {e.elder_id for e in community[2] if e.status is ElderStatus.ACTIVE}
    assert set(first_visits) == active
    assert all(v.day <= date(2026, 12, 31) for v in plan.visits if v.occurrence == 0)
    hospitalised = {e.elder_id for e in community[2]} - active
    assert not hospitalised & set(first_visits)


def test_the_months_work_fits_each_day_and_runs_ahead_of_pace(community) -> None:
    """No day over capacity; monthly-only visits done early, so late days keep room for retries.

    Cadence visits are spread level (as late as their margin allows); the monthly-only tier
    takes the earliest days with room.
    """
    calendar = WorkCalendar.of(community[1])
    plan = _plan(community, calendar, DEC_1)
    assert not plan.overloaded_days()
    days = calendar.working_days(DEC_1, plan.last_day)
    per_day = [plan.loads[day].visits for day in days]
    assert max(per_day) <= plan.capacity.visits
    monthly = sorted(v.day for v in plan.visits if v.tier is Tier.T3)
    halfway = days[len(days) // 2]
    assert sum(1 for day in monthly if day <= halfway) >= 0.6 * len(monthly), monthly
    assert max(per_day[-3:]) < max(per_day)  # the last days keep room


def test_a_weekly_elder_comes_back_within_seven_days_and_before_its_deadline() -> None:
    weekly = replace(T1_ELDER, last_visited_on=date(2026, 11, 30))  # Monday
    plan = plan_horizon([weekly], WorkCalendar.of(STEWARD), DEC_1, POLICY, ROOMY)
    days = [v.day for v in sorted(plan.visits, key=lambda v: v.occurrence)]
    assert len(days) >= 4
    gaps = [(b - a).days for a, b in zip([date(2026, 11, 30), *days], days, strict=False)]
    assert max(gaps) <= 7, gaps
    for visit in plan.visits:  # a working day kept in hand for a retry
        assert visit.day < visit.deadline


def test_an_overdue_elder_is_planned_on_the_first_day_and_mandatory() -> None:
    overdue = replace(T1_ELDER, last_visited_on=date(2026, 11, 10))
    plan = plan_horizon([overdue], WorkCalendar.of(STEWARD), DEC_1, POLICY, ROOMY)
    first = plan.on(DEC_1)
    assert [v.elder.elder_id for v in first] == [overdue.elder_id]
    assert first[0].mandatory


def test_a_full_day_pushes_flexible_visits_to_other_days() -> None:
    monthly = [
        replace(T3_ELDER, elder_id=f"E{i:03d}", last_visited_on=date(2026, 11, 2))
        for i in range(40)
    ]
    tight = DayCapacity(visits=3, minutes=420, travel_minutes_per_visit=5)
    plan = plan_horizon(monthly, WorkCalendar.of(STEWARD), DEC_1, POLICY, tight)
    assert max(load.visits for load in plan.loads.values()) <= 3
    assert len(plan.visits) == 40


def test_a_perfect_month_keeps_every_cadence_and_the_monthly_rule(community) -> None:
    """Replay December: each night plan, each day do exactly the day's visits.

    Independent of the planner's own bookkeeping: gaps between completed visits are
    measured from the replayed history.
    """
    home, steward, elders = community
    holidays = [date(2026, 12, 25)]
    steward = replace(steward, leave=frozenset({date(2026, 12, 15)}))
    calendar = WorkCalendar.of(steward, holidays)
    registry = {e.elder_id: e for e in elders}
    history: dict[str, list[date]] = {e.elder_id: [e.last_visited_on] for e in elders}
    day = DEC_1
    while day <= date(2026, 12, 31):
        if calendar.works_on(day):
            capacity = day_capacity(home, steward, elders, POLICY)
            plan = plan_horizon(registry.values(), calendar, day, POLICY, capacity)
            for visit in plan.on(day):
                registry[visit.elder.elder_id] = replace(visit.elder, last_visited_on=day)
                history[visit.elder.elder_id].append(day)
        day += timedelta(days=1)
    for elder in elders:
        if elder.status is not ElderStatus.ACTIVE:
            continue
        visits = history[elder.elder_id]
        assert any(v is not None and v.month == 12 for v in visits), elder.elder_id
        cadence = POLICY.tiers[POLICY.tier_of(elder, DEC_1)].cadence_days
        if cadence is None:
            continue
        ends = [*visits, date(2026, 12, 31)]
        gaps = [(b - a).days for a, b in pairwise(ends) if a is not None]
        assert max(gaps) <= cadence, (elder.elder_id, visits)
    assert month_end(DEC_1) == date(2026, 12, 31)


def test_an_urgent_elder_is_planned_weekly() -> None:
    urgent = replace(T3_ELDER, last_visited_on=date(2026, 11, 30), urgent_until=date(2026, 12, 30))
    plan = plan_horizon([urgent], WorkCalendar.of(STEWARD), DEC_1, POLICY, ROOMY)
    assert {v.tier for v in plan.visits} == {Tier.T1}
    assert len(plan.visits) >= 4
    assert Category.EMPTY_NEST in urgent.categories


def test_the_elder_waiting_longest_goes_first_among_equal_deadlines() -> None:
    waited_long = replace(T3_ELDER, elder_id="E9", last_visited_on=date(2026, 11, 2))
    visited_late = replace(T3_ELDER, elder_id="E1", last_visited_on=date(2026, 11, 27))
    one_a_day = DayCapacity(visits=1, minutes=420, travel_minutes_per_visit=5)
    plan = plan_horizon(
        [visited_late, waited_long], WorkCalendar.of(STEWARD), DEC_1, POLICY, one_a_day
    )
    day_of = {v.elder.elder_id: v.day for v in plan.visits}
    assert day_of["E9"] < day_of["E1"]
    assert day_of["E9"] == DEC_1  # the monthly tier goes ahead of pace: first day first


def test_the_months_first_tries_come_in_its_first_weeks_not_at_its_end() -> None:
    """Monthly-only visits fill the earliest days with room, so every first try leaves
    working days for retries before the month ends."""
    monthly = [
        replace(T3_ELDER, elder_id=f"E{i:03d}", last_visited_on=date(2026, 11, 30))
        for i in range(30)
    ]
    tight = DayCapacity(visits=3, minutes=420, travel_minutes_per_visit=5)
    calendar = WorkCalendar.of(STEWARD)
    plan = plan_horizon(monthly, calendar, DEC_1, POLICY, tight)
    days = calendar.working_days(DEC_1, date(2026, 12, 31))
    assert sorted(v.day for v in plan.visits) == sorted(days[:10] * 3)
    assert not plan.overflow()


def test_a_next_visit_comes_after_the_one_before_even_when_a_birthday_tightens_it() -> None:
    """Living alone, 80 on 9 December (T3, then T2, so more than one visit in the month):
    each visit on a later day than the one before, never twice on a day."""
    turning_80 = replace(
        T3_ELDER,
        categories=frozenset({Category.LIVING_ALONE}),
        birth_date=date(1946, 12, 9),
        last_visited_on=date(2026, 11, 23),
    )
    plan = plan_horizon([turning_80], WorkCalendar.of(STEWARD), DEC_1, POLICY, ROOMY)
    days = [v.day for v in sorted(plan.visits, key=lambda v: v.occurrence)]
    assert days[0] <= date(2026, 12, 8)  # before the birthday (its own deadline)
    assert all(a < b for a, b in pairwise(days)), days


def test_a_visit_past_its_retry_margin_goes_to_the_earliest_day_not_its_deadline() -> None:
    """A fortnightly visit a full day dropped, two working days before its deadline (the
    margin is two): the earliest day keeps one retry, the level would put it on the deadline."""
    fortnightly = replace(T2_ELDER, elder_id="E999", last_visited_on=date(2026, 11, 19))
    monthly = [
        replace(T3_ELDER, elder_id=f"E{i:03d}", last_visited_on=date(2026, 11, 2))
        for i in range(60)
    ]
    dec_2 = date(2026, 12, 2)
    plan = plan_horizon([fortnightly, *monthly], WorkCalendar.of(STEWARD), dec_2, POLICY, ROOMY)
    (visit,) = [v for v in plan.visits if v.elder.elder_id == "E999" and v.occurrence == 0]
    assert visit.deadline == date(2026, 12, 3)
    assert visit.day == dec_2


def test_a_next_day_full_of_visits_on_their_last_day_with_a_retry_is_pinned() -> None:
    """Four weekly elders due Wednesday 2 December, two visits a day, planned on Monday: two
    go on Tuesday, the last day that keeps a retry (pinned: a retry placed there would push
    one onto its deadline), two on Monday with a day to spare (not pinned). With room for
    more, Tuesday is not pinned either."""
    weekly = [
        replace(T1_ELDER, elder_id=f"E{i}", last_visited_on=date(2026, 11, 25)) for i in range(4)
    ]
    monday = date(2026, 11, 30)
    two_a_day = DayCapacity(visits=2, minutes=420, travel_minutes_per_visit=5)
    plan = plan_horizon(weekly, WorkCalendar.of(STEWARD), monday, POLICY, two_a_day)
    assert sorted(v.days_after for v in plan.on(DEC_1)) == [1, 1]
    assert pinned_full(plan, DEC_1, POLICY)
    assert not pinned_full(plan, monday, POLICY)
    roomy = plan_horizon(weekly, WorkCalendar.of(STEWARD), monday, POLICY, ROOMY)
    assert not pinned_full(roomy, DEC_1, POLICY)


def test_visits_confined_to_the_afternoon_fill_no_afternoon_beyond_its_minutes(community) -> None:
    """Six weekly elders seen only after lunch, all due the same day: the latest day before
    it has minutes for all six but an afternoon for four, so the others go earlier."""
    home, steward, _ = community
    afternoon = TimeWindow.parse("13:30", "17:00")
    elders = [
        replace(
            T1_ELDER,
            elder_id=f"E{i:03d}",
            community_id=home.community_id,
            location=home.location,
            window=afternoon,
            last_visited_on=DEC_1,
        )
        for i in range(6)
    ]
    capacity = day_capacity(home, steward, elders, POLICY)
    plan = plan_horizon(elders, WorkCalendar.of(steward), date(2026, 12, 2), POLICY, capacity)
    index = capacity.part_of(afternoon)
    assert index is not None and capacity.parts[index].window == afternoon
    first_tries = [v for v in plan.visits if v.occurrence == 0]
    assert len(first_tries) == 6
    per_day = Counter(v.day for v in first_tries)
    cost = POLICY.tiers[Tier.T1].service_minutes + capacity.travel_minutes_per_visit
    assert all(count * cost <= capacity.parts[index].minutes for count in per_day.values())
    assert len(per_day) >= 2  # the whole shift's minutes alone would put all six on one day
    assert all(v.day < v.deadline for v in first_tries)  # each keeps a day for a retry


def test_a_whole_day_window_is_confined_to_no_part(community) -> None:
    home, steward, elders = community
    capacity = day_capacity(home, steward, elders, POLICY)
    assert [part.window for part in capacity.parts] == [
        TimeWindow.parse("08:30", "12:00"),
        TimeWindow.parse("13:30", "17:00"),
    ]
    assert capacity.part_of(TimeWindow.parse("08:30", "17:00")) is None
    assert capacity.part_of(TimeWindow.parse("11:00", "14:00")) is None
    assert capacity.part_of(TimeWindow.parse("09:00", "11:00")) == 0


def test_a_window_reaching_into_the_break_only_is_confined_to_the_part_beside_it(community) -> None:
    home, steward, elders = community
    capacity = day_capacity(home, steward, elders, POLICY)
    assert capacity.part_of(TimeWindow.parse("12:57", "17:00")) == 1
    assert capacity.part_of(TimeWindow.parse("08:30", "12:30")) == 0
