"""The `month` parameter of the monthly reads, checked in one place: the month's first and
last day, or a ValidationError naming the parameter."""

from __future__ import annotations

from datetime import date

from careroute.domain.compliance import month_bounds
from careroute.domain.errors import ValidationError


def month_days(month: str) -> tuple[date, date]:
    """The first and last day of `month` ('YYYY-MM'); a ValidationError naming `month` for
    anything else."""
    try:
        return month_bounds(month)
    except ValueError as exc:
        raise ValidationError(f"month: {exc}") from exc
