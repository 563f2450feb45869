"""A day's spare time filled with the next days' first tries: offered below the day's own
visits, never a visit of next month, never 'unassigned' when left out."""

from dataclasses import replace
from datetime import date

import pytest

from careroute.domain.due import WorkCalendar, month_end, working_days_between
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Community, Elder, Steward, Tier
from careroute.planning.horizon import HorizonPlan, PlannedVisit, plan_horizon
from careroute.service_layer.route_plan import (
    MAX_FILLERS,
    candidates_for,
    day_capacity,
    plan_day,
    visit_penalty,
)

POLICY = load_policy()


def _own(plan: HorizonPlan, day: date, calendar: WorkCalendar) -> set[str]:
    """The day's own visits: the horizon's for the day, and overflow whose last day with a
    retry is the day."""
    last_chance = {
        v.elder.elder_id
        for v in plan.overflow()
        if working_days_between(day, v.deadline, calendar) <= POLICY.tiers[v.tier].retry_days
    }
    return {v.elder.elder_id for v in plan.on(day)} | last_chance


@pytest.mark.parametrize("day", [date(2026, 12, 1), date(2026, 12, 29), date(2026, 12, 31)])
def test_fillers_come_after_the_days_own_visits_and_only_from_this_month(
    community: tuple[Community, Steward, list[Elder]], day: date
) -> None:
    home, steward, elders = community
    calendar = WorkCalendar.of(steward)
    plan = plan_horizon(elders, calendar, day, POLICY, day_capacity(home, steward, elders, POLICY))
    offered = candidates_for(plan, day, calendar, [], POLICY)
    own = [c for c in offered if not c.ahead]
    fillers = [c for c in offered if c.ahead]
    assert {c.elder.elder_id for c in own} == _own(plan, day, calendar)
    assert len(fillers) <= MAX_FILLERS
    assert not {c.elder.elder_id for c in own} & {c.elder.elder_id for c in fillers}
    penalties = [p for p in map(visit_penalty, own) if p is not None]  # None: mandatory
    for filler in fillers:
        assert not filler.mandatory
        assert (visit_penalty(filler) or 0) < min(penalties, default=10**9)
        if POLICY.tiers[filler.tier].cadence_days is None:  # a monthly visit of this month
            assert filler.deadline <= month_end(day)
    if day == date(2026, 12, 1):
        assert fillers  # the month's first day has first tries to bring forward
    if day == month_end(day):  # the next working days are next month's
        assert all(POLICY.tiers[f.tier].cadence_days is not None for f in fillers)


def test_a_filler_left_out_keeps_its_own_day_and_is_not_unassigned(
    community: tuple[Community, Steward, list[Elder]],
) -> None:
    home, steward, elders = community
    day = date(2026, 12, 1)
    planned = plan_day(home, steward, elders, day, POLICY)
    assert planned is not None
    stats = planned.document["stats"]
    assert stats["ahead"] > 0
    listed = {s["elder_id"] for s in planned.document["stops"]} | {
        u["elder_id"] for u in planned.document["unassigned"]
    }
    calendar = WorkCalendar.of(steward)
    own = _own(
        plan_horizon(elders, calendar, day, POLICY, day_capacity(home, steward, elders, POLICY)),
        day,
        calendar,
    )
    assert own <= listed  # every own visit is on the route or named as left out
    assert stats["candidates"] - stats["ahead"] == len(own)


def test_next_months_visit_is_not_brought_forward_into_this_month(
    community: tuple[Community, Steward, list[Elder]],
) -> None:
    """Elders visited on 2 December are next due in January: on 31 December, their January
    visit done early would count for December, and January would need another. (A horizon
    longer than a month, `[horizon] days`, sees the January visits.)"""
    home, steward, elders = community
    policy = replace(POLICY, horizon_days=45)
    seen = [replace(e, last_visited_on=date(2026, 12, 2)) for e in elders]
    calendar = WorkCalendar.of(steward)
    day = date(2026, 12, 31)
    plan = plan_horizon(seen, calendar, day, policy, day_capacity(home, steward, seen, policy))
    assert any(v.deadline > month_end(day) and v.occurrence == 0 for v in plan.on(date(2027, 1, 4)))
    fillers = [c for c in candidates_for(plan, day, calendar, [], policy) if c.ahead]
    assert all(POLICY.tiers[f.tier].cadence_days is not None for f in fillers)


def test_overflow_on_its_last_day_with_a_retry_is_offered_as_the_days_own(
    community: tuple[Community, Steward, list[Elder]],
) -> None:
    """A full day pushed a fortnightly first try past its last day with two retry days: the
    route is offered it as today's own visit (above a monthly first try that can wait), not
    left for a later day where a not-home would have no retry left. Overflow with days to
    spare stays out (the nightly planner hands a share of it to neighbours)."""
    home, steward, elders = community
    calendar = WorkCalendar.of(steward)
    day = date(2026, 12, 2)  # a Wednesday: Thursday and Friday are the T2 retry days
    plan = plan_horizon(elders, calendar, day, POLICY, day_capacity(home, steward, elders, POLICY))
    planned = {v.elder.elder_id for v in plan.visits}
    spare = [e for e in elders if e.elder_id not in planned]
    assert len(spare) >= 2
    last_chance, early = spare[:2]
    overflow = (
        PlannedVisit(last_chance, Tier.T2, date(2026, 12, 4), date(2026, 12, 4), 0, True),
        PlannedVisit(early, Tier.T2, date(2026, 12, 9), date(2026, 12, 9), 0, True),
    )
    crowded = replace(plan, visits=plan.visits + overflow)
    offered = {c.elder.elder_id: c for c in candidates_for(crowded, day, calendar, [], POLICY)}
    assert early.elder_id not in offered
    taken = offered[last_chance.elder_id]
    assert not taken.ahead and not taken.mandatory and taken.slack_days == 2
    monthly = replace(taken, tier=Tier.T3, slack_days=20)
    assert (visit_penalty(taken) or 0) > (visit_penalty(monthly) or 0)
