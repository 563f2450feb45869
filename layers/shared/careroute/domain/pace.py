"""Is the month's coverage keeping pace with the month? (the coverage-pace alarm's figure)

Every due elder must be visited at least once a month, and stewards work on working days
(Monday to Friday less the public holidays, plus the make-up working days). By the end of a
working day, the share of due elders visited this month should not trail the share of the
month's working days already worked by much; `lag_points` is by how much it trails, in
percentage points (negative: ahead). Pure: no AWS, no clock.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


def working_days(
    month: str, days_off: Iterable[date] = (), workdays: Iterable[date] = ()
) -> list[date]:
    """The month's ("YYYY-MM") Monday-to-Friday dates and make-up `workdays` (调休) that are
    not in `days_off`."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    off, extra = set(days_off), set(workdays)
    days = (first + timedelta(days=i) for i in range(calendar.monthrange(year, number)[1]))
    return [d for d in days if (d.weekday() < 5 or d in extra) and d not in off]


@dataclass(frozen=True)
class MonthPace:
    month: str
    elders_due: int
    elders_visited: int
    working_days_done: int
    working_days: int

    @property
    def visited_share(self) -> float:
        """Due elders visited this month, 0..1 (1 when nobody is due)."""
        return min(1.0, self.elders_visited / self.elders_due) if self.elders_due else 1.0

    @property
    def elapsed_share(self) -> float:
        """The month's working days worked so far, 0..1 (1 in a month without any)."""
        return self.working_days_done / self.working_days if self.working_days else 1.0

    @property
    def lag_points(self) -> float:
        """How far coverage trails the month, in percentage points; <= 0 is on pace."""
        return round(100 * (self.elapsed_share - self.visited_share), 1)


def month_pace(
    on: date,
    elders_due: int,
    elders_visited: int,
    days_off: Iterable[date] = (),
    workdays: Iterable[date] = (),
) -> MonthPace:
    """The pace at the end of the working day `on` (its working days up to and including `on`)."""
    if elders_due < 0 or elders_visited < 0:
        raise ValueError("elder counts cannot be negative")
    month = on.strftime("%Y-%m")
    days = working_days(month, days_off, workdays)
    return MonthPace(
        month=month,
        elders_due=elders_due,
        elders_visited=elders_visited,
        working_days_done=sum(1 for d in days if d <= on),
        working_days=len(days),
    )
