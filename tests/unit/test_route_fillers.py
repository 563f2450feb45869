"""A day's spare time filled with the next days' first tries: offered below the day's own
visits, never a visit of next month, never 'unassigned' when left out."""

from dataclasses import replace
from datetime import date

import pytest

from careroute.domain.due import WorkCalendar, month_end
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Community, Elder, Steward
from careroute.planning.horizon import plan_horizon
from careroute.service_layer.route_plan import (
    MAX_FILLERS,
    candidates_for,
    day_capacity,
    plan_day,
    visit_penalty,
)

POLICY = load_policy()


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
    assert {c.elder.elder_id for c in own} == {v.elder.elder_id for v in plan.on(day)}
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
    own = {v.elder.elder_id for v in plan_horizon(
        elders, WorkCalendar.of(steward), day, POLICY, day_capacity(home, steward, elders, POLICY)
    ).on(day)}  # fmt: skip
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
