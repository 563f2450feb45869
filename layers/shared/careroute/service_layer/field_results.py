"""When a result recorded in the field may say it happened. An assessor's or an inspector's
phone posts a result once it is back online, so up to a week after the visit; a phone's clock
may run a few minutes ahead of the server's."""

from __future__ import annotations

from datetime import datetime, timedelta

from careroute.domain.errors import ValidationError

CLOCK_SKEW = timedelta(minutes=5)
MAX_RESULT_AGE = timedelta(days=7)
"""A result posted later than this after the visit (an offline phone) is refused."""


def check_result_time(field: str, at: datetime, now: datetime) -> None:
    """ValidationError naming `field` when `at` is in the future or older than MAX_RESULT_AGE."""
    if at > now + CLOCK_SKEW:
        raise ValidationError(f"{field}: is in the future")
    if at < now - MAX_RESULT_AGE:
        raise ValidationError(f"{field}: older than {MAX_RESULT_AGE.days} days")
