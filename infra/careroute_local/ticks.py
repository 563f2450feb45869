"""China-time moments of the local jobs and the programme simulations: when a nightly
planner's schedule fires (on the evening before the date it plans, as the template's
schedules do), and a time of a simulated day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from careroute.domain.vocabulary import CHINA_TZ


def evening_before(plan_date: date, hour: int) -> datetime:
    """`hour` o'clock (China time) on the day before `plan_date`, in UTC."""
    return datetime.combine(plan_date - timedelta(days=1), time(hour), CHINA_TZ).astimezone(UTC)


def at(day: date, seconds: int) -> datetime:
    """`seconds` after midnight (China time) on `day`, as an aware datetime."""
    return datetime.combine(day, datetime.min.time(), CHINA_TZ) + timedelta(seconds=seconds)
