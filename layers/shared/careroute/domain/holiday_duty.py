"""Holiday duty: the days inside a long public-holiday closure on which stewards still visit
the elders whose cadence cannot wait for the first working day after it.

A deadline falling on a holiday moves back to the working day before (domain/due.py), which
is the pre-holiday visit civil-affairs bureaus ask for (节前走访). It cannot carry a weekly
(T1) elder across China's National Day week or Spring Festival: from the last working day
before (30 September 2026) to the first after (8 October) is 8 days, so a visit there is due
again inside the closure and every T1 elder is overdue on the first day back. Bureaus keep a
duty rota for the most vulnerable through those weeks (节日值守探访), as they do for tickets
(ticket_duty.py). Here a closure the tier's cadence cannot bridge gets duty days spaced at
most half the cadence apart: with one duty day, all of a community's weekly elders fell due
on it (12 visits for one steward in the synthetic Heping); with two, no visit that could not
wait was dropped in the weeks around the 2026 National Day week (the nightly plan rolled from
7 September to 16 October, every route walked). Pure: no AWS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from careroute.domain.policy_tables import known_table
from careroute.domain.vocabulary import Tier

DAY = timedelta(days=1)


@dataclass(frozen=True)
class HolidayDuty:
    """Policy `[holiday_duty]`: the tiers whose visits go on through a long closure."""

    tiers: frozenset[Tier] = frozenset({Tier.T1})


@dataclass(frozen=True)
class Closure:
    """A run of consecutive days off holding at least one public holiday, [first, last]."""

    first: date
    last: date

    @property
    def gap_days(self) -> int:
        """Days from the last working day before the closure to the first after it."""
        return (self.last - self.first).days + 2


def closures(
    holidays: Iterable[date], days_off: frozenset[int], workdays: Iterable[date] = ()
) -> list[Closure]:
    """The closures the public holidays make with the weekly days off around them (make-up
    working days, 调休, end a closure), in date order."""
    closed, worked = frozenset(holidays), frozenset(workdays)

    def off(day: date) -> bool:
        return day in closed or (day.weekday() in days_off and day not in worked)

    found: list[Closure] = []
    for holiday in sorted(closed):
        if found and holiday <= found[-1].last:
            continue
        first, last = holiday, holiday
        while off(first - DAY):
            first -= DAY
        while off(last + DAY):
            last += DAY
        found.append(Closure(first, last))
    return found


def duty_days(closure: Closure, cadence_days: int) -> list[date]:
    """The closure's duty days for a tier of `cadence_days`: none when a visit on the last
    working day before it is still in time on the first day after; else the fewest days,
    evenly spaced, that leave no stretch longer than half the cadence without one."""
    gap = closure.gap_days
    if gap <= cadence_days:
        return []
    count = -(-2 * gap // cadence_days) - 1
    before = closure.first - DAY
    return [before + timedelta(days=round(k * gap / (count + 1))) for k in range(1, count + 1)]


def duty_dates(
    duty: HolidayDuty,
    cadences: Mapping[Tier, int | None],
    days_off: frozenset[int],
    holidays: Iterable[date],
    workdays: Iterable[date] = (),
) -> frozenset[date]:
    """Every duty day of a steward with `days_off` in the closures of `holidays`: those of the
    shortest cadence among the tiers on duty (`cadences`: each tier's, None for monthly-only)."""
    on_duty = [days for tier in duty.tiers if (days := cadences.get(tier)) is not None]
    if not on_duty:
        return frozenset()
    cadence = min(on_duty)
    return frozenset(
        day
        for closure in closures(holidays, days_off, workdays)
        for day in duty_days(closure, cadence)
    )


def parse_holiday_duty(table: Any, where: str) -> HolidayDuty:
    """The optional `[holiday_duty]` table; errors raise ValueError naming the key."""
    table = known_table(table, ("tiers",), where)
    names = table.get("tiers", sorted(tier.value for tier in HolidayDuty().tiers))
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError(f"{where}.tiers: expected a list of tier names")
    unknown = sorted(set(names) - {tier.value for tier in Tier})
    if unknown:
        raise ValueError(f"{where}.tiers: unknown tiers {unknown}")
    return HolidayDuty(frozenset(Tier(name) for name in names))
