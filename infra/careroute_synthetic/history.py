"""Each synthetic elder's last completed visit: the rhythm the nightly plan leaves behind.

Visits are made on the days the steward has routes: the working days of China's calendar
(public holidays off, make-up working days 调休 worked) and, for the tiers on holiday duty,
the duty days of a long closure (careroute.domain.holiday_duty). Before a closure the
planner brings forward every visit whose deadline falls inside it, so on any day the next
deadline of every elder is a day with routes still to come. A history spread over plain
weekdays instead put visits on holidays and left every weekly elder overdue on the first
day after China's National Day week.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from careroute.adapters.china_calendar import PACKAGE_HOLIDAYS, PACKAGE_WORKDAYS
from careroute.domain.due import WorkCalendar, rule_deadline
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, Steward, Tier

MONTHLY_HISTORY_DAYS = 30
"""History window of tiers with no day cadence (only the calendar-month rule)."""

HOLIDAYS = frozenset(PACKAGE_HOLIDAYS)
WORKDAYS = frozenset(PACKAGE_WORKDAYS)
DAY = timedelta(days=1)


def visit_calendar(steward: Steward, policy: Policy) -> WorkCalendar:
    """The steward's days with routes on China's calendar, holiday duty days included (as
    the nightly plan's steward calendar)."""
    duty = policy.duty_dates(steward.days_off, HOLIDAYS, WORKDAYS)
    return WorkCalendar.of(steward, HOLIDAYS, WORKDAYS, duty)


@dataclass
class VisitHistory:
    """Draws last visits as they stand on `as_of`. The candidate days depend only on the
    tier and the steward's days off and leave, so they are worked out once for each."""

    as_of: date
    policy: Policy
    _days: dict[tuple[Tier, frozenset[int], frozenset[date]], list[date]] = field(
        default_factory=dict
    )

    def last_visit(self, elder: Elder, steward: Steward, rng: random.Random) -> date:
        """A day with routes for the elder's tier within its cadence before `as_of` that
        leaves the next deadline not yet past when the tier's routes go on, drawn evenly
        over those days (so no weekday collects the weekend's share of deadlines)."""
        tier = self.policy.tier_of(elder, self.as_of)
        cadence = self.policy.tiers[tier].cadence_days or MONTHLY_HISTORY_DAYS
        drawn = rng.randint(1, cadence - 1)
        key = (tier, steward.days_off, steward.leave)
        if key not in self._days:
            calendar = visit_calendar(steward, self.policy)
            self._days[key] = self._visit_days(elder, tier, cadence, calendar)
        days = self._days[key]
        return days[(drawn - 1) * len(days) // (cadence - 1)]

    def _visit_days(
        self, elder: Elder, tier: Tier, cadence: int, calendar: WorkCalendar
    ) -> list[date]:
        """The candidate last visits, latest first: the tier's days with routes whose next
        deadline, as the tier's next day with routes sees it, is not before that day; the
        latest day with routes when none (a cadence shorter than a weekend). The deadline
        (rule_deadline) depends on the last visit alone, so any elder stands for the tier."""
        days = tier_days(calendar, tier, self.policy)
        following = first_day_with_routes(days, self.as_of + DAY, step=DAY)
        backs = (self.as_of - timedelta(days=back) for back in range(1, cadence))
        found = [
            day
            for day in backs
            if days.works_on(day)
            and rule_deadline(replace(elder, last_visited_on=day), tier, following, self.policy)
            >= following
        ]
        return found or [first_day_with_routes(days, self.as_of - DAY, step=-DAY)]


def tier_days(calendar: WorkCalendar, tier: Tier, policy: Policy) -> WorkCalendar:
    """The days a tier's visits are made: holiday duty days too for the tiers on duty."""
    return calendar.with_duty() if tier in policy.holiday_duty.tiers else calendar


def first_day_with_routes(calendar: WorkCalendar, start: date, step: timedelta) -> date:
    """The first day the calendar works from `start` on, going `step` at a time."""
    day = start
    for _ in range(366):
        if calendar.works_on(day):
            return day
        day += step
    raise ValueError(f"no working day within a year of {start}")
