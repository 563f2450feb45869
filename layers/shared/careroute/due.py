"""Which elders are due for a visit on a given day, and how urgently.

An elder's deadline is the earlier of (last completed visit + tier cadence) and, when the
monthly rule is on, the last day of the first calendar month without a completed visit.
Deadlines falling on the steward's days off move back to the previous working day.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain import Elder, ElderStatus, Steward, Tier
from careroute.policy import Policy


@dataclass(frozen=True)
class DueVisit:
    elder: Elder
    tier: Tier
    deadline: date
    """Latest working day on which the visit keeps every rule."""
    slack_days: int
    """Working days between the plan date and the deadline (0 = today; negative = overdue)."""

    @property
    def mandatory(self) -> bool:
        return self.slack_days <= 0


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month_end(day: date) -> date:
    return month_end(month_end(day) + timedelta(days=1))


def rule_deadline(elder: Elder, tier: Tier, on: date, policy: Policy) -> date:
    """The calendar deadline of the elder's next visit, ignoring days off."""
    cadence = policy.tiers[tier].cadence_days
    last = elder.last_visited_on
    deadlines: list[date] = []
    if cadence is not None:
        deadlines.append(
            on + timedelta(days=cadence - 1) if last is None else last + timedelta(days=cadence)
        )
    if policy.monthly_visit_required:
        visited_this_month = last is not None and (last.year, last.month) == (on.year, on.month)
        deadlines.append(next_month_end(on) if visited_this_month else month_end(on))
    return min(deadlines)


def working_deadline(deadline: date, steward: Steward, on: date) -> date:
    """Move a deadline back onto a working day, but never before `on`."""
    day = deadline
    while day > on and not steward.works_on(day):
        day -= timedelta(days=1)
    return day


def working_days_between(start: date, end: date, steward: Steward) -> int:
    """Working days in (start, end]; negative when end is before start."""
    days = (end - start).days
    if days < 0:
        return days
    weeks, rest = divmod(days, 7)
    per_week = 7 - len(steward.days_off)
    tail = (start + timedelta(k) for k in range(1, rest + 1))
    return weeks * per_week + sum(1 for day in tail if steward.works_on(day))


def select_due(
    elders: Iterable[Elder], steward: Steward, on: date, policy: Policy
) -> list[DueVisit]:
    """Active elders worth planning on `on`, most urgent first.

    An elder enters the list once its deadline is within its tier's look-ahead; it is
    mandatory when the deadline is `on` or already past. Elders visited today are skipped.
    """
    due: list[DueVisit] = []
    for elder in elders:
        if elder.status is not ElderStatus.ACTIVE or elder.last_visited_on == on:
            continue
        tier = policy.tier_of(elder, on)
        deadline = working_deadline(rule_deadline(elder, tier, on, policy), steward, on)
        slack = working_days_between(on, deadline, steward)
        if slack <= policy.tiers[tier].lookahead_days:
            due.append(DueVisit(elder, tier, deadline, slack))
    due.sort(key=lambda d: (d.slack_days, d.tier.value, d.elder.elder_id))
    return due
