"""Cover: which neighbouring steward visits whom when a steward cannot.

Two cases. While a steward is on leave or sick, the visits their community's horizon gives
to the day (as if they were at work) and that cannot wait for their return are handed out.
When a community has more work than its steward's days hold (the horizon's overflow), a
share of the overflow is handed out each day, spread over the days left before its deadlines.
Either way the visits go to the nearest stewards at work, each taking at most `per_steward`
extra visits a day. Cover visits are optional in the neighbour's route (their own deadlines
come first); what is not covered today is offered again tomorrow. Pure: no AWS.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain.due import WorkCalendar
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Community, Elder, GeoPoint, Steward
from careroute.planning.horizon import DayCapacity, plan_horizon
from careroute.planning.travel import haversine_m

COVER_PER_STEWARD = 4
"""Extra visits one steward takes for absent neighbours in a day."""
NEIGHBOURS_TRIED = 4
"""How many of the nearest stewards at work an absent community's visits may go to."""


@dataclass(frozen=True)
class Workload:
    """One community's steward, elders and daily capacity (for a steward who needs help)."""

    community: Community
    steward: Steward
    elders: list[Elder]
    capacity: DayCapacity


@dataclass(frozen=True)
class CoverVisit:
    elder_id: str
    community_id: str
    """The absent steward's community (the elder's own)."""
    deadline: date


@dataclass(frozen=True)
class CoverPlan:
    assigned: dict[str, list[CoverVisit]]
    """Steward community id -> the visits it takes over today."""
    uncovered: list[CoverVisit]
    """Visits no neighbour had room for today (offered again tomorrow)."""


def return_day(calendar: WorkCalendar, after: date, limit_days: int = 62) -> date:
    """The first day after `after` the steward works again (or `after` + limit)."""
    day = after + timedelta(days=1)
    while not calendar.works_on(day) and day < after + timedelta(days=limit_days):
        day += timedelta(days=1)
    return day


def visits_to_cover(
    workload: Workload, day: date, holidays: frozenset[date], policy: Policy
) -> list[CoverVisit]:
    """The absent steward's visits for `day` whose deadline comes before they are back."""
    away = WorkCalendar.of(workload.steward, holidays)
    regular = WorkCalendar(workload.steward.days_off, holidays)
    if not regular.works_on(day):
        return []
    back = return_day(away, day)
    plan = plan_horizon(workload.elders, regular, day, policy, workload.capacity)
    return [
        CoverVisit(v.elder.elder_id, workload.community.community_id, v.deadline)
        for v in plan.on(day)
        if v.deadline < back
    ]


def visits_to_offload(
    helped: Workload, day: date, holidays: frozenset[date], policy: Policy
) -> list[CoverVisit]:
    """Today's share of the visits the steward cannot fit before their deadlines.

    Visits the steward's own route has today are left out (no one is visited twice).
    """
    calendar = WorkCalendar.of(helped.steward, holidays)
    if not calendar.works_on(day):
        return []
    plan = plan_horizon(helped.elders, calendar, day, policy, helped.capacity)
    over = [v for v in plan.overflow() if v.day != day]
    if not over:
        return []
    days_left = len(calendar.working_days(day, max(v.deadline for v in over)))
    share = math.ceil(len(over) / max(1, days_left))
    return [
        CoverVisit(v.elder.elder_id, helped.community.community_id, v.deadline)
        for v in over[:share]
    ]


def assign_cover(
    needs: dict[str, list[CoverVisit]],
    communities: dict[str, Community],
    at_work: Iterable[str],
    elder_points: dict[str, GeoPoint],
    per_steward: int = COVER_PER_STEWARD,
) -> CoverPlan:
    """Give each visit to the nearest steward at work with room, tightest deadline first.

    `needs` maps absent community ids to their visits; `at_work` lists communities whose
    steward works today; `elder_points` gives each elder's location by elder id.
    """
    working = sorted(at_work)
    taken: dict[str, list[CoverVisit]] = {}
    uncovered: list[CoverVisit] = []
    for absent_id in sorted(needs):
        home = communities[absent_id].location
        nearest = sorted(
            (c for c in working if c != absent_id),
            key=lambda c: (haversine_m(home, communities[c].location), c),
        )[:NEIGHBOURS_TRIED]
        for visit in sorted(needs[absent_id], key=lambda v: (v.deadline, v.elder_id)):
            point = elder_points[visit.elder_id]
            by_distance = sorted(
                nearest, key=lambda c: (haversine_m(point, communities[c].location), c)
            )
            room = [c for c in by_distance if len(taken.get(c, [])) < per_steward]
            if room:
                taken.setdefault(room[0], []).append(visit)
            else:
                uncovered.append(visit)
    return CoverPlan(taken, uncovered)
