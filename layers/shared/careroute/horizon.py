"""Horizon planning: on which working day each coming visit of a community happens.

Every night the planner looks `policy.horizon_days` ahead, and always to the end of the
month so the calendar-month rule is spread over the whole month, and gives each visit a day:

- never after its deadline (tier cadence and monthly rule, moved onto a working day of the
  steward's calendar: days off, leave and public holidays);
- inside its tier's window: at most `lookahead_days` and, when the days allow, at least
  `retry_days` working days before the deadline, so a not-home can be tried again in time;
- on the least-loaded day of that window (in minutes of work, visits capped per day), so
  the work is level across the days.

A visit's next occurrence (e.g. a weekly elder's second visit) follows from the day given to
the first. Only the first day is acted on; the next night plans again from what happened
(a rolling horizon), so not-home visits, absences and new urgent findings are absorbed.
Pure: no AWS, no clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from careroute.domain import Elder, ElderStatus, Tier
from careroute.due import WorkCalendar, month_end, rule_deadline, working_deadline
from careroute.policy import Policy


@dataclass(frozen=True)
class DayCapacity:
    """What one steward can do in a working day."""

    visits: int
    minutes: int
    travel_minutes_per_visit: float
    """Estimated walking or riding time that comes with each visit."""


@dataclass(frozen=True)
class PlannedVisit:
    elder: Elder
    tier: Tier
    day: date
    deadline: date
    """Latest working day on which the visit keeps every rule."""
    occurrence: int
    """0 for the elder's next visit, 1 for the one after it, ..."""

    @property
    def mandatory(self) -> bool:
        """The day is the deadline: moving it would break a rule."""
        return self.day >= self.deadline


@dataclass
class DayLoad:
    visits: int = 0
    minutes: float = 0.0


@dataclass(frozen=True)
class HorizonPlan:
    first_day: date
    last_day: date
    visits: tuple[PlannedVisit, ...]
    loads: dict[date, DayLoad]
    capacity: DayCapacity

    def on(self, day: date) -> list[PlannedVisit]:
        """The visits given to `day`, deadline first."""
        found = [v for v in self.visits if v.day == day]
        return sorted(found, key=lambda v: (v.deadline, v.tier.value, v.elder.elder_id))

    def overloaded_days(self) -> list[date]:
        """Days whose work exceeds the capacity (every visit there has no other day left)."""
        cap = self.capacity
        return sorted(
            day
            for day, load in self.loads.items()
            if load.visits > cap.visits or load.minutes > cap.minutes
        )


def _cost(tier: Tier, policy: Policy, capacity: DayCapacity) -> float:
    return policy.tiers[tier].service_minutes + capacity.travel_minutes_per_visit


def _windows(
    days: list[date], deadline: date, lookahead: int, retry: int
) -> tuple[list[date], list[date]]:
    """(preferred, allowed) days for a visit.

    Preferred: from `lookahead` to `retry` working days before the deadline. Allowed: every
    working day up to the deadline. An overdue visit (deadline before the first day) gets the
    first day only.
    """
    before = [day for day in days if day <= deadline]
    if not before:
        return days[:1], days[:1]
    slack_of = {day: len(before) - 1 - i for i, day in enumerate(before)}
    preferred = [day for day in before if retry <= slack_of[day] <= lookahead]
    return preferred or before, before


def _pick(
    preferred: list[date],
    allowed: list[date],
    loads: dict[date, DayLoad],
    cost: float,
    capacity: DayCapacity,
) -> date:
    """The least-loaded preferred day with room; else any allowed day with room (giving up the
    retry margin before giving up the level); else the least-loaded preferred day.
    Ties go to the earliest day."""

    def fits(day: date) -> bool:
        load = loads[day]
        return load.visits < capacity.visits and load.minutes + cost <= capacity.minutes

    def least_loaded(choices: list[date]) -> date:
        return min(choices, key=lambda day: (loads[day].minutes, day))

    for choices in (preferred, allowed):
        roomy = [day for day in choices if fits(day)]
        if roomy:
            return least_loaded(roomy)
    return least_loaded(preferred)


def plan_horizon(
    elders: Iterable[Elder],
    calendar: WorkCalendar,
    first_day: date,
    policy: Policy,
    capacity: DayCapacity,
) -> HorizonPlan:
    """Give every active elder's visits falling due within the horizon a working day."""
    last_day = max(first_day + timedelta(days=policy.horizon_days - 1), month_end(first_day))
    days = calendar.working_days(first_day, last_day)
    loads = {day: DayLoad() for day in days}
    planned: list[PlannedVisit] = []
    if not days:
        return HorizonPlan(first_day, last_day, (), loads, capacity)

    # Earliest deadline first: the tightest visits choose their day before the flexible ones.
    queue: list[tuple[date, str, str, int, Elder]] = []
    for elder in elders:
        if elder.status is not ElderStatus.ACTIVE:
            continue
        deadline = _deadline(elder, calendar, first_day, policy)
        if deadline <= last_day:
            tier = policy.tier_of(elder, first_day)
            heapq.heappush(queue, (deadline, tier.value, elder.elder_id, 0, elder))

    while queue:
        deadline, tier_name, _, occurrence, elder = heapq.heappop(queue)
        tier = Tier(tier_name)
        rules = policy.tiers[tier]
        cost = _cost(tier, policy, capacity)
        preferred, allowed = _windows(days, deadline, rules.lookahead_days, rules.retry_days)
        day = _pick(preferred, allowed, loads, cost, capacity)
        loads[day].visits += 1
        loads[day].minutes += cost
        planned.append(PlannedVisit(elder, tier, day, max(deadline, first_day), occurrence))
        after = replace(elder, last_visited_on=day)
        following = _deadline(after, calendar, day + timedelta(days=1), policy)
        if following <= last_day:
            next_tier = policy.tier_of(after, day + timedelta(days=1))
            heapq.heappush(
                queue, (following, next_tier.value, elder.elder_id, occurrence + 1, after)
            )
    return HorizonPlan(first_day, last_day, tuple(planned), loads, capacity)


def _deadline(elder: Elder, calendar: WorkCalendar, on: date, policy: Policy) -> date:
    tier = policy.tier_of(elder, on)
    return working_deadline(rule_deadline(elder, tier, on, policy), calendar, on)
