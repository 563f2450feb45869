"""Horizon planning: on which working day each coming visit of a community happens.

Every night the planner looks `policy.horizon_days` ahead, and always to the end of the
month so the calendar-month rule is spread over the whole month, and gives each visit a day:

- never after its deadline (tier cadence and monthly rule, moved onto a working day of the
  steward's calendar: days off, leave and public holidays); for the tiers on holiday duty,
  the duty days of a long closure count as working days (domain/holiday_duty.py), and no
  other visit goes on them;
- inside its tier's window: at most `lookahead_days` and, when the days allow, at least
  `retry_days` working days before the deadline, so a not-home can be tried again in time;
- cadence visits on the latest day of that window whose work stays at the level (in
  minutes of work, visits capped per day), so the work is level across the days; monthly-only
  visits on its earliest day with room, so the month's first tries come in its first weeks;
- a visit the elder's window confines to a part of the day (before or after the lunch break)
  only on a day whose part has room too: a day with minutes left but a full afternoon cannot
  take one more afternoon-only visit, and the route would leave one out (a retry counts in
  the part its retry window leaves, planning/retry_window.py).

An elder in hospital whose stay the steward recorded (policy `[stays]`) gets the month's
visit only, at the hospital, on the first working day with room; their cadence waits.

A visit's next occurrence (e.g. a weekly elder's second visit) follows from the day given to
the first. Only the first day is acted on; the next night plans again from what happened
(a rolling horizon), so not-home visits, absences and new urgent findings are absorbed.
Pure: no AWS, no clock.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from careroute.domain.due import (
    WorkCalendar,
    month_end,
    tier_deadline,
    working_days_between,
    working_deadline,
)
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, ElderStatus, Tier, TimeWindow, china_date
from careroute.planning.retry_window import retry_window


@dataclass(frozen=True)
class DayPart:
    """A part of the shift, before or after the lunch break, that some elders' windows keep
    their visits inside, and the minutes of visits it holds."""

    window: TimeWindow
    minutes: int


@dataclass(frozen=True)
class DayCapacity:
    """What one steward can do in a working day."""

    visits: int
    minutes: int
    travel_minutes_per_visit: float
    """Estimated walking or riding time that comes with each visit."""
    parts: tuple[DayPart, ...] = ()

    def part_of(self, window: TimeWindow) -> int | None:
        """The index of the only part a visit in `window` can be made in (a window of 12:57
        to 17:00 leaves only the afternoon, the break being no time for visits); None when
        it reaches into more than one (e.g. a whole-day window)."""
        inside = [
            index
            for index, part in enumerate(self.parts)
            if min(window.end, part.window.end) > max(window.start, part.window.start)
        ]
        return inside[0] if len(inside) == 1 else None


@dataclass(frozen=True)
class PlannedVisit:
    elder: Elder
    tier: Tier
    day: date
    deadline: date
    """Latest working day on which the visit keeps every rule."""
    occurrence: int
    """0 for the elder's next visit, 1 for the one after it, ..."""
    overflow: bool = False
    """No preferred day had room: the steward alone cannot do it with a day in hand for a
    retry (or at all)."""
    days_after: int = 0
    """Working days after `day` up to the deadline: the days left for a retry."""

    @property
    def mandatory(self) -> bool:
        """The day is the deadline: moving it would break a rule."""
        return self.day >= self.deadline


@dataclass
class DayLoad:
    visits: int = 0
    minutes: float = 0.0
    part_minutes: dict[int, float] = field(default_factory=dict)
    """Minutes of the visits confined to each part of the day (`DayCapacity.parts`)."""

    def has_room(
        self,
        cost: float,
        capacity: DayCapacity,
        minutes: float | None = None,
        part: int | None = None,
    ) -> bool:
        """Room for one more visit of `cost` minutes: under the visit cap, within `minutes`
        (the day's capacity unless a lower ceiling is given), and within its `part` of the
        day if its window confines it to one."""
        ceiling = capacity.minutes if minutes is None else minutes
        if (
            part is not None
            and self.part_minutes.get(part, 0.0) + cost > capacity.parts[part].minutes
        ):
            return False
        return self.visits < capacity.visits and self.minutes + cost <= ceiling

    def add(self, cost: float, part: int | None = None) -> None:
        """Count one more visit of `cost` minutes, in `part` of the day if confined to one."""
        self.visits += 1
        self.minutes += cost
        if part is not None:
            self.part_minutes[part] = self.part_minutes.get(part, 0.0) + cost


@dataclass(frozen=True)
class HorizonPlan:
    first_day: date
    last_day: date
    visits: tuple[PlannedVisit, ...]
    loads: dict[date, DayLoad]
    capacity: DayCapacity

    def on(self, day: date) -> list[PlannedVisit]:
        """The visits given to `day`, deadline first."""
        found = [v for v in self.visits if v.day == day]
        return sorted(found, key=lambda v: (v.deadline, v.tier.value, v.elder.elder_id))

    def overflow(self) -> list[PlannedVisit]:
        """Next visits that found no preferred day with room, tightest deadline first."""
        found = [v for v in self.visits if v.overflow and v.occurrence == 0]
        return sorted(found, key=lambda v: (v.deadline, v.tier.value, v.elder.elder_id))

    def overloaded_days(self) -> list[date]:
        """Days whose work exceeds the capacity (every visit there has no other day left)."""
        cap = self.capacity
        return sorted(
            day
            for day, load in self.loads.items()
            if load.visits > cap.visits or load.minutes > cap.minutes
        )


def _cost(tier: Tier, policy: Policy, capacity: DayCapacity) -> float:
    return policy.tiers[tier].service_minutes + capacity.travel_minutes_per_visit


def _windows(
    days: list[date], deadline: date, lookahead: int, retry: int
) -> tuple[list[date], list[date]]:
    """(preferred, allowed) days for a visit.

    Preferred: from `lookahead` to `retry` working days before the deadline; none when the
    visit has already lost that margin (a full day dropped it). Allowed: every working day up
    to the deadline. An overdue visit (deadline before the first day) gets the first day only.
    """
    before = [day for day in days if day <= deadline]
    if not before:
        return days[:1], days[:1]
    slack_of = {day: len(before) - 1 - i for i, day in enumerate(before)}
    if slack_of[before[0]] < retry:
        return [], before
    preferred = [day for day in before if retry <= slack_of[day] <= lookahead]
    return preferred or before, before


def _choose(
    preferred: list[date],
    allowed: list[date],
    loads: dict[date, DayLoad],
    cost: float,
    capacity: DayCapacity,
    pick: Callable[[list[date]], date],
    part: int | None = None,
) -> tuple[date, bool]:
    """`pick` of the preferred days with room; else of the allowed days with room (giving up
    the retry margin before giving up the level); else the least-loaded preferred day. The
    flag says whether a preferred day had room: without one, the visit is overflow (it has
    lost its retry margin or has no room at all)."""

    def roomy(days: list[date]) -> list[date]:
        return [day for day in days if loads[day].has_room(cost, capacity, part=part)]

    if found := roomy(preferred):
        return pick(found), True
    fallback = roomy(allowed)
    return (pick(fallback) if fallback else _least_loaded(preferred, loads)), False


def _first(days: list[date]) -> date:
    return days[0]


def _least_loaded(days: list[date], loads: dict[date, DayLoad]) -> date:
    """The day with the fewest minutes; ties go to the earliest."""
    return min(days, key=lambda day: (loads[day].minutes, day))


def awaits_retry(elder: Elder) -> bool:
    """A failed attempt (not home, refused) came after the last completed visit."""
    if elder.last_attempt_at is None:
        return False
    failed_on = china_date(elder.last_attempt_at)
    return elder.last_visited_on is None or failed_on > elder.last_visited_on


def first_with_room(
    allowed: list[date],
    loads: dict[date, DayLoad],
    cost: float,
    capacity: DayCapacity,
    part: int | None = None,
) -> tuple[date, bool]:
    """The earliest day with room: every day waited is a try lost."""
    for day in allowed:
        if loads[day].has_room(cost, capacity, part=part):
            return day, True
    return allowed[0], False


def plan_horizon(
    elders: Iterable[Elder],
    calendar: WorkCalendar,
    first_day: date,
    policy: Policy,
    capacity: DayCapacity,
) -> HorizonPlan:
    """Give every active elder's visits falling due within the horizon a working day.

    Two passes: the first spreads the work over the least-loaded days to learn the level (the
    average day's minutes); the second places each visit, tightest deadline first, on a
    preferred day: below that level and as late as possible for cadence tiers (an early visit
    brings the next one forward), and as early as the capacity allows for monthly-only tiers
    (a first try done early leaves the rest of the month for retries). The second pass is
    stable from one night to the next: the elder waiting longest is not pushed back behind
    newcomers.
    """
    last_day = max(first_day + timedelta(days=policy.horizon_days - 1), month_end(first_day))
    days = calendar.with_duty().working_days(first_day, last_day)
    if not days:
        return HorizonPlan(first_day, last_day, (), {}, capacity)
    active = [e for e in elders if e.status is ElderStatus.ACTIVE or _met_at_stay(e, policy)]
    known = _Known(calendar, days, last_day, policy)
    spread = _assign(active, known, first_day, capacity, None)
    level = sum(load.minutes for load in spread.loads.values()) / len(days)
    return _assign(active, known, first_day, capacity, level)


_Queued = tuple[date, str, date, str, int, Elder]
"""A visit waiting for its day: deadline, tier, last visit, elder id, occurrence, the elder."""


class _Known:
    """What one horizon's two passes ask again and again, worked out once: each visit's tier
    and deadline, and the preferred and allowed days of a deadline. Both passes place the same
    visits, mostly on the same days, and a tier's elders share a few deadlines."""

    def __init__(
        self, calendar: WorkCalendar, days: list[date], last_day: date, policy: Policy
    ) -> None:
        self.calendar, self.days, self.last_day, self.policy = calendar, days, last_day, policy
        on_duty = calendar.with_duty()
        self.calendar_of = {  # the days a tier's visits are made: duty days too for some
            tier: on_duty if tier in policy.holiday_duty.tiers else calendar for tier in Tier
        }
        self._visits: dict[tuple[str, date, int], _Queued | None] = {}
        self._windows: dict[tuple[Tier, date, date | None], tuple[list[date], ...]] = {}

    def visit(self, elder: Elder, on: date, occurrence: int) -> _Queued | None:
        """The elder's visit from `on` on, as queued; None when it falls due after the horizon
        (or is a second visit in hospital). An occurrence after the first follows a visit
        given to the day before `on`."""
        key = (elder.elder_id, on, occurrence)
        if key not in self._visits:
            self._visits[key] = self._visit(elder, on, occurrence)
        return self._visits[key]

    def _visit(self, elder: Elder, on: date, occurrence: int) -> _Queued | None:
        policy = self.policy
        if elder.staying_at is not None:  # in hospital: the month's visit only, no cadence
            if occurrence > 0 or elder.month_covered(on, policy.contacts.count_toward_monthly):
                return None
            tier = policy.tier_of(elder, on)
            deadline = working_deadline(month_end(on), self.calendar, on)
        else:
            if occurrence > 0:
                elder = _visited_on(elder, on - timedelta(days=1))
            tier, rule = tier_deadline(elder, on, policy)
            deadline = working_deadline(rule, self.calendar_of[tier], on)
        if deadline > self.last_day:
            return None
        waited = elder.last_visited_on or date.min
        return deadline, tier.value, waited, elder.elder_id, occurrence, elder

    def windows(self, tier: Tier, deadline: date, after: date | None) -> tuple[list[date], ...]:
        """(preferred, allowed) days of a `tier` visit due by `deadline` that comes after the
        day `after` (None: any day); () when no day is open to it."""
        key = (tier, deadline, after)
        if key not in self._windows:
            days = self.days if after is None else [day for day in self.days if day > after]
            if tier not in self.policy.holiday_duty.tiers:
                days = [day for day in days if not self.calendar.on_duty(day)]
            rules = self.policy.tiers[tier]
            found = _windows(days, deadline, rules.lookahead_days, rules.retry_days) if days else ()
            self._windows[key] = found
        return self._windows[key]


def _assign(
    elders: list[Elder],
    known: _Known,
    first_day: date,
    capacity: DayCapacity,
    level: float | None,
) -> HorizonPlan:
    policy = known.policy
    loads = {day: DayLoad() for day in known.days}
    planned: list[PlannedVisit] = []

    def least_loaded(choices: list[date]) -> date:
        return _least_loaded(choices, loads)

    part_of: dict[TimeWindow, int | None] = {}
    # Earliest deadline first, then the longest wait: the tightest visits choose first.
    queue: list[_Queued] = []

    def push(elder: Elder, on: date, occurrence: int) -> None:
        if (queued := known.visit(elder, on, occurrence)) is not None:
            heapq.heappush(queue, queued)

    for elder in elders:
        push(elder, first_day, 0)
    while queue:
        deadline, tier_name, _, _, occurrence, elder = heapq.heappop(queue)
        tier = Tier(tier_name)
        rules = policy.tiers[tier]
        cost = _cost(tier, policy, capacity)
        window = retry_window(elder) or elder.window
        if window not in part_of:  # the elders share a handful of windows
            part_of[window] = capacity.part_of(window)
        part = part_of[window]
        # A next occurrence comes after the visit before it, never on or before its day.
        after = elder.last_visited_on if occurrence > 0 else None
        if not (found := known.windows(tier, deadline, after)):
            continue
        preferred, allowed = found
        if not preferred or (occurrence == 0 and (awaits_retry(elder) or elder.staying_at)):
            # A retry, a visit past its retry margin, or one in hospital (the elder may be
            # home again any day): every day waited is a try lost.
            day, fitted = first_with_room(allowed, loads, cost, capacity, part)
        else:
            if rules.cadence_days is None and occurrence == 0:
                # The month's first try on the earliest day with room: the first tries come in
                # the month's first weeks and leave its end for retries. Without room in its
                # window it is overflow (the night after, neighbours take a share).
                day, fitted = _choose(preferred, allowed, loads, cost, capacity, _first, part)
            else:
                chosen = _at_level(preferred[::-1], loads, cost, capacity, level, part)
                day, fitted = chosen or _choose(
                    preferred, allowed, loads, cost, capacity, least_loaded, part
                )
        loads[day].add(cost, part)
        days_after = len(allowed) - bisect_right(allowed, day)  # `allowed` is in order
        planned.append(
            PlannedVisit(
                elder, tier, day, max(deadline, first_day), occurrence, not fitted, days_after
            )
        )
        push(elder, day + timedelta(days=1), occurrence + 1)
    return HorizonPlan(first_day, known.last_day, tuple(planned), loads, capacity)


def at_last_chance(visit: PlannedVisit, day: date, calendar: WorkCalendar, policy: Policy) -> bool:
    """`day` (a working day of `calendar`) is the last that leaves the visit its tier's retries
    before the deadline."""
    return (
        working_days_between(day, visit.deadline, calendar) <= policy.tiers[visit.tier].retry_days
    )


def pinned_full(plan: HorizonPlan, day: date, policy: Policy) -> bool:
    """`day` has no room for one more visit, and its visits are on the last day that keeps
    their retry margin: a try failing before it (retried on it) pushes one of them past its
    margin, which only a neighbour's help the same night can keep."""
    if day not in plan.loads:
        return False
    pinned = [v for v in plan.on(day) if v.days_after <= policy.tiers[v.tier].retry_days]
    cheapest = min(_cost(tier, policy, plan.capacity) for tier in policy.tiers)
    minutes = sum(_cost(v.tier, policy, plan.capacity) for v in pinned)
    return len(pinned) >= plan.capacity.visits or minutes + cheapest > plan.capacity.minutes


def _at_level(
    ordered: list[date],
    loads: dict[date, DayLoad],
    cost: float,
    capacity: DayCapacity,
    level: float | None,
    part: int | None = None,
) -> tuple[date, bool] | None:
    """The first day in `ordered` whose load stays within the level (and the capacity)."""
    if level is None:
        return None
    ceiling = min(level + cost / 2, capacity.minutes)
    for day in ordered:
        if loads[day].has_room(cost, capacity, ceiling, part):
            return day, True
    return None


def _visited_on(elder: Elder, day: date) -> Elder:
    """The elder as if last visited on `day`: what a next occurrence's deadline follows from.

    A copy of the instance's fields with that one changed, which is what `dataclasses.replace`
    gives, without its call of `__init__` on every field (a fifth of the time; a horizon
    makes some 200 of these).
    """
    copied: Elder = object.__new__(Elder)
    copied.__dict__.update(elder.__dict__, last_visited_on=day)
    return copied


def _met_at_stay(elder: Elder, policy: Policy) -> bool:
    """In hospital where the steward recorded, and the policy has stewards visit there."""
    return policy.stays.visit_in_hospital and elder.staying_at is not None
