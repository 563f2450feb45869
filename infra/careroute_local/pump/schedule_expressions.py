"""AWS schedule expressions (cron with its six fields, rate, at) read into fire times.

EventBridge's cron differs from Unix cron (a year field, days of the week 1-7 from Sunday,
`?`, `L` and `#`); this module translates it for croniter and keeps the time-stamp formats the
scheduler's events use.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter


def _aws_dow(field_: str) -> str:
    """AWS day-of-week (1-7 = SUN-SAT, `?`, `L`, `#`) to croniter's (0-6 = SUN-SAT)."""
    if field_ == "?":
        return "*"

    def num(x: str) -> str:
        return str(int(x) - 1) if x.isdigit() else x

    def rng(x: str) -> str:
        return "-".join(num(p) for p in x.split("-"))

    parts = []
    for part in field_.split(","):
        if "#" in part:
            day, nth = part.split("#", 1)
            parts.append(f"{num(day)}#{nth}")
        elif part == "L":
            parts.append("6")  # alone, L means the last day of the week: Saturday
        elif part.endswith("L"):
            parts.append(f"L{num(part[:-1])}")  # 6L: the last Friday of the month
        elif "/" in part:
            base, step = part.split("/", 1)
            parts.append(f"{rng(base)}/{step}")
        else:
            parts.append(rng(part))
    return ",".join(parts)


def _years(field_: str) -> set[int] | None:
    if field_ in ("*", "?"):
        return None
    years: set[int] = set()
    for part in field_.split(","):
        if "/" in part:
            start, step = part.split("/", 1)
            first = 1970 if start == "*" else int(start.split("-")[0])
            years.update(range(first, 2200, int(step)))
        elif "-" in part:
            a, b = part.split("-", 1)
            years.update(range(int(a), int(b) + 1))
        else:
            years.add(int(part))
    return years


def next_schedule_time(expression: str, timezone: str, after: datetime) -> datetime | None:
    """Next fire time (UTC) strictly after `after` of an AWS cron()/rate()/at() expression.

    rate() counts from `after` (the previous fire or the start). None when it never fires again.
    """
    after = as_utc(after)
    expression = expression.strip()
    inner = expression[expression.index("(") + 1 : expression.rindex(")")].strip()
    tz = ZoneInfo(timezone)
    if expression.startswith("rate("):
        value, unit = inner.split()
        seconds = {"minute": 60, "hour": 3600, "day": 86400}[unit.rstrip("s")]
        return after + timedelta(seconds=int(value) * seconds)
    if expression.startswith("at("):
        at = datetime.fromisoformat(inner).replace(tzinfo=tz).astimezone(UTC)
        return at if at > after else None
    if not expression.startswith("cron("):
        raise ValueError(f"not a schedule expression: {expression}")
    fields = inner.split()
    if len(fields) != 6:
        raise ValueError(f"AWS cron needs 6 fields (min hour dom month dow year): {expression}")
    minute, hour, dom, month, dow, year = fields
    expr = f"{minute} {hour} {'*' if dom == '?' else dom} {month} {_aws_dow(dow)}"
    years = _years(year)
    it = croniter(expr, after.astimezone(tz))
    for _ in range(100_000):
        candidate: datetime = it.get_next(datetime)
        if years is None or candidate.year in years:
            return candidate.astimezone(UTC)
        if candidate.year > max(years):
            return None
    return None


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_z(moment: datetime, millis: bool = False) -> str:
    """An AWS event's time stamp: ISO 8601 in UTC with a Z."""
    text = as_utc(moment).isoformat(timespec="milliseconds" if millis else "seconds")
    return text.replace("+00:00", "Z")
