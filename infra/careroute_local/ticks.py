"""When the local jobs fire a nightly planner's schedule: on the evening before the date it
plans, China time, as the template's schedules do."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from careroute.domain.vocabulary import CHINA_TZ


def evening_before(plan_date: date, hour: int) -> datetime:
    """`hour` o'clock (China time) on the day before `plan_date`, in UTC."""
    return datetime.combine(plan_date - timedelta(days=1), time(hour), CHINA_TZ).astimezone(UTC)
