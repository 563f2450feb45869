"""A provider's home care bed visits over a horizon: on which day each coming visit is made.

The same rules as the stewards' horizon planner (`planning/horizon.py`, whose day capacity
and load it uses), for a bed's own cadence (`[home_care_beds]`):

- never after its deadline: the bed's due date (its cadence from the last service or the
  acceptance, and the calendar-month rule);
- inside its window: at most `lookahead_days` and, when the days allow, at least
  `retry_days` days before the deadline, so a worker who finds nobody home can come back in
  time; a bed whose last visit found nobody home is tried again on the first day with room;
- on the least-loaded day of that window with room for it (ties: the latest, so the
  cadence runs as long as it may), else the earliest day before its deadline with room (giving up
  the retry margin before the level; overflow), else the least-loaded day of its window
  (overflow: the provider's workers cannot serve it with a day in hand).

A bed's next visit follows from the day given to the one before. Only the first day is acted
on; the next night plans again from the visits recorded (a rolling horizon). Providers' workers
work every day, so every calendar day is a working day. Pure: no AWS, no clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain.bed_visits import (
    BedCandidate,
    BedVisit,
    awaiting_retry,
    due_date,
    last_served,
)
from careroute.domain.beds import BedPolicy, HomeCareBed
from careroute.domain.due import month_end
from careroute.domain.providers import Provider, ServiceWorker
from careroute.planning.horizon import DayCapacity, DayLoad, first_with_room
from careroute.planning.travel import HaversineTravel

CAPACITY_HEADROOM = 0.9
"""Share of a worker's shift the horizon fills: the router needs room for the real travel."""


@dataclass(frozen=True)
class PlannedBedVisit:
    bed: HomeCareBed
    day: date
    deadline: date
    """The last day on which the visit keeps the bed's cadence and monthly rule (before the
    first day for a bed overdue already)."""
    occurrence: int
    """0 for the bed's next visit, 1 for the one after it, ..."""
    retry: bool = False
    """The bed's last visit found nobody home."""
    overflow: bool = False
    """No day in its window had room: the workers cannot serve it with a day in hand."""

    @property
    def mandatory(self) -> bool:
        """The day is the deadline: moving it would break a rule."""
        return self.day >= self.deadline


@dataclass(frozen=True)
class BedHorizon:
    first_day: date
    last_day: date
    visits: tuple[PlannedBedVisit, ...]
    loads: dict[date, DayLoad]

    def on(self, day: date) -> list[PlannedBedVisit]:
        """The visits given to `day`, deadline first."""
        found = [v for v in self.visits if v.day == day]
        return sorted(found, key=lambda v: (v.deadline, v.bed.bed_id))

    def overflow(self) -> list[PlannedBedVisit]:
        """Next visits that found no day in their window with room."""
        return [v for v in self.visits if v.overflow and v.occurrence == 0]

    def stats(self) -> dict[str, object]:
        """What a plan summary says of its horizon."""
        return {
            "last_day": self.last_day.isoformat(),
            "visits": len(self.visits),
            "today": len(self.on(self.first_day)),
            "overflow": len(self.overflow()),
        }


def provider_capacity(
    provider: Provider,
    workers: Sequence[ServiceWorker],
    beds: Sequence[HomeCareBed],
    policy: BedPolicy,
    circuity: float,
) -> DayCapacity:
    """A provider's room for bed visits in a day: its workers' shifts less their lunch, and
    the ride from the base to a bed that comes with each visit."""
    minutes = 0
    for worker in workers:
        lunch = worker.lunch.seconds if worker.lunch else 0
        minutes += (worker.shift.seconds - lunch) // 60
    travel = HaversineTravel(policy.speed_kmh, circuity)
    rides = [travel.seconds(provider.base, bed.location) / 60 for bed in beds] or [0.0]
    ride = sum(rides) / len(rides)
    usable = int(minutes * CAPACITY_HEADROOM)
    return DayCapacity(
        visits=int(usable // (policy.service_minutes + ride)),
        minutes=usable,
        travel_minutes_per_visit=ride,
    )


def plan_bed_horizon(
    beds: Iterable[HomeCareBed],
    history: Iterable[BedVisit],
    first_day: date,
    policy: BedPolicy,
    capacity: DayCapacity,
) -> BedHorizon:
    """Give each bed's visits falling due from `first_day` to the horizon's end (the cadence
    ahead, and always the month's end) a day, tightest deadline first."""
    last_day = max(first_day + timedelta(days=policy.cadence_days - 1), month_end(first_day))
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    loads = {day: DayLoad() for day in days}
    history = list(history)
    tomorrow = first_day + timedelta(days=1)  # a visit already made on the day counts
    served = last_served(history, tomorrow)
    retries = awaiting_retry(history, tomorrow)
    cost = policy.service_minutes + capacity.travel_minutes_per_visit
    queue: list[tuple[date, str, int, date | None, HomeCareBed]] = []

    def push(bed: HomeCareBed, last: date | None, on: date, occurrence: int) -> None:
        deadline = due_date(bed, last, on, policy)
        if deadline is not None and deadline <= last_day:
            heapq.heappush(queue, (deadline, bed.bed_id, occurrence, last, bed))

    for bed in beds:
        push(bed, served.get(bed.bed_id), first_day, 0)
    planned: list[PlannedBedVisit] = []
    while queue:
        deadline, _, occurrence, last, bed = heapq.heappop(queue)
        open_days = [day for day in days if last is None or day > last]
        if not open_days:
            continue
        retry = occurrence == 0 and bed.bed_id in retries
        allowed = [day for day in open_days if day <= deadline] or open_days[:1]
        preferred = _window(allowed, deadline, policy)
        if retry or not preferred:
            day, fitted = first_with_room(allowed, loads, cost, capacity)
        else:
            day, fitted = _least_loaded(preferred, allowed, loads, cost, capacity)
        loads[day].visits += 1
        loads[day].minutes += cost
        planned.append(PlannedBedVisit(bed, day, deadline, occurrence, retry, not fitted))
        push(bed, day, day + timedelta(days=1), occurrence + 1)
    return BedHorizon(first_day, last_day, tuple(planned), loads)


def day_candidates(plan: BedHorizon, day: date, policy: BedPolicy) -> list[BedCandidate]:
    """The visits the horizon gives to `day` as the router's stops: mandatory on the
    deadline, otherwise a drop penalty growing from `base_penalty` as the deadline nears
    (a retry counts as one day nearer); mandatory first, then by deadline."""
    chosen = []
    for visit in plan.on(day):
        if visit.mandatory:
            chosen.append(BedCandidate(visit.bed, visit.deadline, None))
            continue
        days_left = (visit.deadline - day).days - int(visit.retry)
        urgency = max(1, policy.lookahead_days + 1 - days_left)
        chosen.append(BedCandidate(visit.bed, visit.deadline, policy.base_penalty * urgency))
    chosen.sort(key=lambda c: (c.penalty is not None, c.due, c.bed.bed_id))
    return chosen


def _window(allowed: list[date], deadline: date, policy: BedPolicy) -> list[date]:
    """The days from `lookahead_days` to `retry_days` before the deadline; none when the
    visit has lost its retry margin already (then every day waited is a try lost)."""
    if (deadline - allowed[0]).days < policy.retry_days:
        return []
    return [
        day
        for day in allowed
        if policy.retry_days <= (deadline - day).days <= policy.lookahead_days
    ]


def _least_loaded(
    preferred: list[date],
    allowed: list[date],
    loads: dict[date, DayLoad],
    cost: float,
    capacity: DayCapacity,
) -> tuple[date, bool]:
    """The least-loaded preferred day with room (ties: the latest); else the earliest allowed
    day with room (the one keeping most of a retry margin); else the least-loaded preferred
    day. The flag says whether a preferred day had room."""
    roomy = [day for day in preferred if loads[day].has_room(cost, capacity)]
    if roomy:
        return min(roomy, key=lambda day: (loads[day].minutes, -day.toordinal())), True
    for day in allowed:
        if loads[day].has_room(cost, capacity):
            return day, False
    return min(preferred, key=lambda day: (loads[day].minutes, day)), False
