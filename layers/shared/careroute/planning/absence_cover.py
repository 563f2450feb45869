"""Cover: which neighbouring steward visits whom when a steward cannot.

Two cases. While a steward is on leave or sick, the visits their community's horizon gives
to the day (as if they were at work) are handed out: those that cannot wait for their return
first, then the others, so the days lost do not pile up at the month's end.
When a community has more work than its steward's days hold (the horizon's overflow), a
share of the overflow is handed out each day, spread over the days left before its deadlines.
Either way the visits go to stewards at work: the nearest of the same street first, then the
street's relief post (a relief steward with a car, no elders of their own and a whole day of
spare minutes, up to their own `max_visits_per_day`), then the street's neighbours whose own
day holds a visit due that day (a visit their route drops for cover would be lost), then the
nearest of the district's pool, each neighbour taking at most `per_steward` extra visits a
day and no more minutes than its day has spare (`HelperDay.spare`: what its own visits that
cannot move leave free, so a helper never loses a try of its own elders to cover), the visits
that cannot wait first (tightest deadline first), then the rest of the absent day's plan where
room is left. What is not covered today is offered again tomorrow. Pure: no AWS.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain.due import WorkCalendar, due_visit
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Community, Elder, ElderStatus, GeoPoint, Steward
from careroute.planning.horizon import DayCapacity, PlannedVisit, at_last_chance, plan_horizon
from careroute.planning.travel import haversine_m

COVER_PER_STEWARD = 4
"""Extra visits one steward takes for absent neighbours in a day."""
HELD_SLACK_DAYS = 1
"""A helper's own visit this close to its deadline (working days) keeps its place in the
helper's day: cover does not push it out. So does one on the last day that keeps its tier's
`retry_days` (moved, a not-home would leave it fewer retries than the policy asks)."""
OWN_DEADLINE_SLACK = 0
"""A neighbour whose own visits hold one this close to its deadline (working days) is asked
after the street's relief post."""
NEIGHBOURS_TRIED = 4
"""How many of the nearest stewards at work in the same street an absent community's visits
may go to; then as many of the district's pool."""


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
    pressing: bool = True
    """Due before the steward is back with a day to spare: it cannot wait. The others are
    the rest of the absent day's plan, taken only where a helper has room, so the days lost
    do not pile up at the month's end."""
    minutes: float = 0.0
    """The visit's service and walk, as its own community's plan costs it."""


@dataclass(frozen=True)
class CoverPlan:
    assigned: dict[str, list[CoverVisit]]
    """Steward community id -> the visits it takes over today."""
    uncovered: list[CoverVisit]
    """Pressing visits no neighbour had room for today (offered again tomorrow)."""


def return_day(calendar: WorkCalendar, after: date, limit_days: int = 62) -> date:
    """The first day after `after` the steward works again (or `after` + limit)."""
    day = after + timedelta(days=1)
    while not calendar.works_on(day) and day < after + timedelta(days=limit_days):
        day += timedelta(days=1)
    return day


def visits_to_cover(
    workload: Workload,
    day: date,
    holidays: frozenset[date],
    policy: Policy,
    workdays: frozenset[date] = frozenset(),
) -> list[CoverVisit]:
    """What to hand out on `day` of a steward's absence (their plan as if at work): first the
    day's visits due before they are back with a day to spare (due on the return day itself,
    a not-home would leave no retry): pressing. Then, where helpers have room, the visits of
    that kind the later days of the absence and the return day hold (tried early, a not-home
    still leaves a day for the retry) and the rest of the day's plan, earliest deadline
    first."""
    away = WorkCalendar.of(workload.steward, holidays, workdays)
    regular = WorkCalendar(workload.steward.days_off, holidays, workdays)
    if not regular.works_on(day):
        return []
    back = return_day(away, day)
    limit = return_day(away, back)
    plan = plan_horizon(workload.elders, regular, day, policy, workload.capacity)
    home = workload.community.community_id

    def cover(visit: PlannedVisit, pressing: bool) -> CoverVisit:
        minutes = _minutes(visit, policy, workload.capacity)
        return CoverVisit(visit.elder.elder_id, home, visit.deadline, pressing, minutes)

    today = [cover(v, v.deadline < limit) for v in plan.on(day)]
    early = [
        cover(v, pressing=False)
        for later in regular.working_days(day + timedelta(days=1), back)
        for v in plan.on(later)
        if v.deadline < limit
    ]
    waiting = sorted([*early, *(v for v in today if not v.pressing)], key=lambda v: v.deadline)
    first: dict[str, CoverVisit] = {}
    for visit in [*(v for v in today if v.pressing), *waiting]:
        first.setdefault(visit.elder_id, visit)  # one visit per elder a day
    return list(first.values())


def visits_to_offload(
    helped: Workload,
    day: date,
    holidays: frozenset[date],
    policy: Policy,
    workdays: frozenset[date] = frozenset(),
) -> list[CoverVisit]:
    """Today's share of the visits the steward cannot fit before their deadlines (all those
    for which today is the last day that leaves a retry).

    Overflow the horizon put on today stays with the steward's own route, unless today is
    its last chance: then it is handed out too, and the steward's plan job names it
    (`handed_out`) so the own route leaves it out (no one is visited twice).
    """
    calendar = WorkCalendar.of(helped.steward, holidays, workdays)
    if not calendar.works_on(day):
        return []
    plan = plan_horizon(helped.elders, calendar, day, policy, helped.capacity)

    def last_chance(visit: PlannedVisit) -> bool:
        return at_last_chance(visit, day, calendar, policy)

    over = [v for v in plan.overflow() if v.day != day or last_chance(v)]
    if not over:
        return []
    days_left = len(calendar.working_days(day, max(v.deadline for v in over)))
    # Every visit whose last day with a retry in hand is today goes today, whatever the share.
    last_chance_count = sum(1 for v in over if last_chance(v))
    share = max(last_chance_count, math.ceil(len(over) / max(1, days_left)))
    home = helped.community.community_id
    # No minutes: overflow is work its own steward cannot do at all, so a helper takes its
    # share within the daily cap whatever its spare minutes (an absent steward's visits are
    # given only where a helper's own visits leave room).
    return [CoverVisit(v.elder.elder_id, home, v.deadline) for v in over[:share]]


def _minutes(visit: PlannedVisit, policy: Policy, capacity: DayCapacity) -> float:
    return policy.tiers[visit.tier].service_minutes + capacity.travel_minutes_per_visit


@dataclass(frozen=True)
class HelperDay:
    """What cover may take of a helper's day (`helper_day`)."""

    spare: float
    """Minutes of the day cover may take: the day's capacity less its own visits that cannot
    move (due today or on the next working day, or on the last day that keeps their tier's
    retry margin: moved, they would leave fewer days for a retry). Its other visits have days
    to spare and give way."""
    own_deadline: bool
    """Its own visits hold one due today: a visit that cover pushes out of its route is a
    miss, so the street's relief post (no elders of its own) is asked before it."""


def helper_day(
    helper: Workload,
    day: date,
    holidays: frozenset[date],
    policy: Policy,
    workdays: frozenset[date] = frozenset(),
) -> HelperDay:
    """The helper's spare minutes on `day`, and whether its own visits hold one due that day.
    (Read from each elder's next deadline, not the horizon plan: the plan gives those visits
    this day anyway, and the check runs for every helper of every absent steward each night.)
    """
    calendar = WorkCalendar.of(helper.steward, holidays, workdays)
    if not calendar.works_on(day):
        return HelperDay(0.0, own_deadline=False)
    per_visit = helper.capacity.travel_minutes_per_visit
    held = 0.0
    own_deadline = False
    for elder in helper.elders:
        if elder.status is not ElderStatus.ACTIVE:
            continue
        due = due_visit(elder, calendar, day, policy)
        if due.slack_days <= max(HELD_SLACK_DAYS, policy.tiers[due.tier].retry_days):
            held += policy.tiers[due.tier].service_minutes + per_visit
            own_deadline = own_deadline or due.slack_days <= OWN_DEADLINE_SLACK
    return HelperDay(max(0.0, helper.capacity.minutes - held), own_deadline)


def helpers_of(
    absent_ids: Iterable[str],
    communities: dict[str, Community],
    at_work: Iterable[str],
    pace: dict[str, float] | None = None,
) -> set[str]:
    """Every community whose steward `assign_cover` may ask to help the absent ones."""
    working = sorted(at_work)
    return {c for absent_id in absent_ids for c in _helpers(communities, absent_id, working, pace)}


def assign_cover(
    needs: dict[str, list[CoverVisit]],
    communities: dict[str, Community],
    at_work: Iterable[str],
    elder_points: dict[str, GeoPoint],
    per_steward: int = COVER_PER_STEWARD,
    spare: dict[str, float] | None = None,
    day: date | None = None,
    holding: dict[str, int] | None = None,
    pace: dict[str, float] | None = None,
    places: dict[str, int] | None = None,
    after_post: Collection[str] = frozenset(),
) -> CoverPlan:
    """Give each visit to a steward at work with room: the same street's nearest first, then
    the street's relief post, then the district's; the tightest deadline first over every
    absent community.

    `needs` maps absent community ids to their visits; `at_work` lists communities whose
    steward works today; `elder_points` gives each elder's location by elder id; `spare`, the
    minutes each helper's day has spare (`HelperDay.spare`; a helper missing from it is not
    limited in minutes). A visit due on `day` itself that finds no helper with spare minutes
    goes to the nearest with a place left: lost today it is a miss, while the helper's own
    visit it may push out still has its deadline day. `holding`: how many cover visits each
    helper already holds today (handed over earlier this morning), counted in its places.
    `pace`: each helper's minutes per metre (its mode's speed): nearest means soonest there,
    so a neighbour on a bike 3 km away comes before one on foot 2 km away; missing, all
    helpers travel alike. `places`: a helper's own daily cap where it is not `per_steward`
    (a relief post's: its steward's `max_visits_per_day`, as it has no visits of its own).
    `after_post`: the street's neighbours asked after its relief post today (their own day
    holds a visit due that day, `HelperDay.own_deadline`; the post has no visit to lose).
    """
    working = sorted(at_work)
    helpers = {absent_id: _helpers(communities, absent_id, working, pace) for absent_id in needs}
    taken: dict[str, list[CoverVisit]] = {}
    held = holding or {}
    left = dict(spare or {})
    uncovered: list[CoverVisit] = []
    every = (visit for visits in needs.values() for visit in visits)
    for visit in sorted(
        every, key=lambda v: (not v.pressing, v.deadline, v.community_id, v.elder_id)
    ):
        point = elder_points[visit.elder_id]
        home = communities[visit.community_id]
        due_today = day is not None and visit.deadline <= day
        by_level_and_distance = sorted(
            helpers[visit.community_id],
            key=lambda c: (
                _level(home, communities[c], after_post),
                _trip(point, communities[c], pace),
                c,
            ),
        )
        cap = places or {}
        with_place = [
            c
            for c in by_level_and_distance
            if len(taken.get(c, [])) + held.get(c, 0) < cap.get(c, per_steward)
        ]
        room = [c for c in with_place if visit.minutes <= left.get(c, math.inf)]
        if not room and due_today:
            room = with_place
        if room:
            taken.setdefault(room[0], []).append(visit)
            if room[0] in left:
                left[room[0]] -= visit.minutes
        elif visit.pressing:
            uncovered.append(visit)
    return CoverPlan(taken, uncovered)


def _level(home: Community, helper: Community, after_post: Collection[str] = frozenset()) -> int:
    """Who is asked first: the same street's neighbours (0), its relief post (1), the
    neighbours in `after_post` (2), the district's pool (3)."""
    if helper.street_id != home.street_id:
        return 3
    if not helper.residential:
        return 1
    return 2 if helper.community_id in after_post else 0


def _trip(point: GeoPoint, helper: Community, pace: dict[str, float] | None) -> float:
    """How long the helper takes to reach `point` (metres without a pace)."""
    metres = haversine_m(point, helper.location)
    return metres * (pace or {}).get(helper.community_id, 1.0)


def _helpers(
    communities: dict[str, Community],
    absent_id: str,
    working: list[str],
    pace: dict[str, float] | None,
) -> list[str]:
    """The nearest stewards at work in the absent community's street, the street's relief
    post, then as many of the nearest in its district (the pool, relief posts of other streets
    among them); nearest by the time to get there."""
    home = communities[absent_id]
    others = sorted(
        (c for c in working if c != absent_id),
        key=lambda c: (_trip(home.location, communities[c], pace), c),
    )
    by_level: dict[int, list[str]] = {0: [], 1: [], 3: []}
    for c in others:
        if communities[c].district_id == home.district_id:
            by_level[_level(home, communities[c])].append(c)
    return by_level[0][:NEIGHBOURS_TRIED] + by_level[1] + by_level[3][:NEIGHBOURS_TRIED]
