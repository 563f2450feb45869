"""Which elders are due for a visit on a given day, and how urgently.

An elder's deadline is the earlier of (last completed visit + tier cadence) and, when the
monthly rule is on, the last day of the first calendar month without a completed visit
(or a phone or video contact, when the policy's `[contacts]` counts them).
Deadlines falling on the steward's days off, leave or public holidays move back to the
previous working day.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from careroute.domain.compliance import stricter
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, Steward, Tier


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


@lru_cache(maxsize=1024)
def month_end(day: date) -> date:
    """The last day of `day`'s month (remembered: the planners ask it for the same few dozen
    days hundreds of thousands of times a night, and `monthrange` works out a weekday)."""
    return day.replace(day=monthrange(day.year, day.month)[1])


@lru_cache(maxsize=1024)
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
        covered = elder.month_covered(on, policy.contacts.count_toward_monthly)
        deadlines.append(next_month_end(on) if covered else month_end(on))
    return min(deadlines)


def next_birthday(elder: Elder, after: date) -> date:
    """The elder's first birthday after `after` (29 February counts on 1 March)."""
    return _next_birthday(elder.birth_date.month, elder.birth_date.day, after)


@lru_cache(maxsize=1 << 16)
def _next_birthday(month: int, day: int, after: date) -> date:
    """Remembered: a night's horizons ask it for every elder and visit, and the elders share
    a few hundred birthdays and the nights a few dozen days."""
    for year in (after.year, after.year + 1):
        birthday = date(year, month, day) if monthrange(year, month)[1] >= day else date(year, 3, 1)
        if birthday > after:
            return birthday
    raise AssertionError("a birthday comes within a year")


def tier_deadline(elder: Elder, on: date, policy: Policy) -> tuple[Tier, date]:
    """The elder's tier on `on` and the calendar deadline of the next visit.

    A birthday before that deadline that makes the tier stricter (turning 80 or 90) tightens
    it: a visit after the birthday counts under the stricter cadence for the whole gap since
    the last visit, so the visit comes by that cadence's deadline, or before the birthday.
    """
    tier = policy.tier_of(elder, on)
    deadline = rule_deadline(elder, tier, on, policy)
    birthday = next_birthday(elder, on)
    if birthday <= deadline:
        later = policy.tier_of(elder, birthday)
        if later is not tier and stricter(later, tier) is later:
            tighter = rule_deadline(elder, later, on, policy)
            deadline = min(deadline, max(tighter, birthday - timedelta(days=1)))
    return tier, deadline


@dataclass(frozen=True)
class WorkCalendar:
    """The days one steward works: weekdays minus days off, leave and public holidays, plus
    the make-up working days (调休) that fall on a weekly day off."""

    days_off: frozenset[int]
    closed: frozenset[date] = frozenset()
    """Leave and holidays: dates off on top of the weekly days off."""
    workdays: frozenset[date] = frozenset()
    """Make-up working days: dates worked although their weekday is a day off (unless closed)."""
    duty: frozenset[date] = frozenset()
    """Holiday duty days (holiday_duty.py): closed, but worked for the tiers on duty."""

    @classmethod
    def of(
        cls,
        steward: Steward,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        duty: Iterable[date] = (),
    ) -> WorkCalendar:
        return cls(
            steward.days_off,
            steward.leave | frozenset(holidays),
            frozenset(workdays),
            frozenset(duty) - steward.leave,
        )

    def on_duty(self, day: date) -> bool:
        return day in self.duty

    def with_duty(self) -> WorkCalendar:
        """The days of a tier on holiday duty: the working days and the duty days."""
        return WorkCalendar(self.days_off, self.closed - self.duty, self.workdays | self.duty)

    def works_on(self, day: date) -> bool:
        if day in self.closed:
            return False
        return day.weekday() not in self.days_off or day in self.workdays

    def working_days(self, first: date, last: date) -> list[date]:
        """Working days in [first, last]."""
        span = (last - first).days + 1
        days = (first + timedelta(days=k) for k in range(max(0, span)))
        return [day for day in days if self.works_on(day)]


def working_deadline(deadline: date, calendar: WorkCalendar, on: date) -> date:
    """Move a deadline back onto a working day, but never before `on`."""
    day = deadline
    while day > on and not calendar.works_on(day):
        day -= timedelta(days=1)
    return day


def working_days_between(start: date, end: date, calendar: WorkCalendar) -> int:
    """Working days in (start, end]; negative when end is before start."""
    days = (end - start).days
    if days < 0:
        return days
    weeks, rest = divmod(days, 7)
    per_week = 7 - len(calendar.days_off)
    tail = (start + timedelta(k) for k in range(1, rest + 1))
    off = calendar.days_off
    regular = weeks * per_week + sum(1 for day in tail if day.weekday() not in off)
    closed = sum(1 for day in calendar.closed if start < day <= end and day.weekday() not in off)
    made_up = sum(
        1
        for day in calendar.workdays
        if start < day <= end and day.weekday() in off and day not in calendar.closed
    )
    return regular - closed + made_up


def due_visit(elder: Elder, calendar: WorkCalendar, on: date, policy: Policy) -> DueVisit:
    """The elder's next visit as seen on `on`: tier, working deadline and slack."""
    tier, rule = tier_deadline(elder, on, policy)
    deadline = working_deadline(rule, calendar, on)
    return DueVisit(elder, tier, deadline, working_days_between(on, deadline, calendar))
