"""The simulated day's timetable: when the plan, the walks, the confirmations and the
follow-ups happen, and which days a steward works.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from careroute.domain.vocabulary import CHINA_TZ, Steward

EVENING_PLAN = 21 * 3600
"""The nightly Scheduler tick (the evening before the planned day)."""
MORNING = 8 * 3600
EVENING_CONFIRM = 18 * 3600
FOLLOW_UP = 19 * 3600
"""When stewards close the day's follow-up tickets; the escalator's run comes after."""
ESCALATION_RUN = 20 * 3600


def at(day: date, seconds: int) -> datetime:
    """A local time of day as an aware datetime (Asia/Shanghai)."""
    return datetime.combine(day, datetime.min.time(), CHINA_TZ) + timedelta(seconds=seconds)


def regular_day(steward: Steward, day: date) -> bool:
    return day.weekday() not in steward.days_off
