"""Nightly planning: fan out one job per community, then plan each community's day.

The fan-out also hands to the nearest stewards at work (careroute.planning.absence_cover) the
visits of absent stewards (leave, sick days) that cannot wait for their return, and a daily
share of the visits of stewards with more work than days (their last route's horizon said
so); and it passes the public holidays and make-up working days to every job.

Both take their ports (`NightlyPlanning`, `CommunityPlanning`): DynamoDB and SQS in the
planner and solver functions, memory in tests and simulations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from careroute.domain.due import WorkCalendar
from careroute.domain.errors import ConflictError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Community,
    Elder,
    GeoPoint,
    Steward,
)
from careroute.messages.visits import CoverItem, NightlyTick, PlanJob
from careroute.planning.absence_cover import (
    CoverPlan,
    CoverVisit,
    Workload,
    assign_cover,
    helpers_of,
    spare_minutes,
    visits_to_cover,
    visits_to_offload,
)
from careroute.planning.capacity import first_try_share
from careroute.planning.urgent_route import urgent_stops
from careroute.service_layer.night_plan_date import holidays_near, plan_date_of
from careroute.service_layer.overflow_look_back import overloaded_communities, short_of_hours
from careroute.service_layer.ports import (
    CommunityRepository,
    ElderRepository,
    HolidayCalendar,
    OverflowMarks,
    PlanJobQueue,
    RouteRepository,
    StewardRepository,
)
from careroute.service_layer.ports.plan_reads import DayReading
from careroute.service_layer.ports.visits import DayMark
from careroute.service_layer.route_cover import (
    HANDED_OUT,
    REPLAN_ATTEMPTS,
    cover_items,
    cover_on_route,
    hold_cover,
    route_cover,
)
from careroute.service_layer.route_plan import day_capacity, plan_day, steward_calendar


@dataclass(frozen=True)
class FanOut:
    plan_date: date
    run_id: str
    jobs: int
    absent: int
    """Stewards on leave on the plan date (on what would be a working day)."""
    covered: int
    """Visits of absent or overloaded stewards handed to neighbours."""
    uncovered: int
    """Their visits no neighbour had room for (offered again the next night)."""


@dataclass(frozen=True)
class NightlyPlanning:
    """The ports the nightly fan-out (and a same-day cover) reads and writes."""

    communities: CommunityRepository
    stewards: StewardRepository
    elders: ElderRepository
    routes: RouteRepository
    overflow: OverflowMarks
    holidays: HolidayCalendar
    plan_jobs: PlanJobQueue


def _absent_on(
    steward: Steward, day: date, holidays: frozenset[date], workdays: frozenset[date] = frozenset()
) -> bool:
    """On leave on a day the steward would otherwise work."""
    regular = WorkCalendar(steward.days_off, holidays, workdays)
    return regular.works_on(day) and day in steward.leave


def _at_work(
    stewards: dict[str, Steward],
    communities: dict[str, Community],
    day: date,
    holidays: frozenset[date],
    excluded: set[str],
    workdays: frozenset[date] = frozenset(),
) -> list[str]:
    """Communities (of those given, less `excluded`) whose steward works on the day."""
    return [
        c
        for c, s in stewards.items()
        if c in communities
        and c not in excluded
        and WorkCalendar.of(s, holidays, workdays).works_on(day)
    ]


def _plan_job(
    community_id: str,
    day: date,
    run_id: str,
    holidays: frozenset[date],
    cover: list[CoverItem],
    workdays: frozenset[date] = frozenset(),
    keep_cover: bool = False,
    handed_out: list[str] | None = None,
) -> PlanJob:
    return PlanJob(
        community_id=community_id,
        plan_date=day,
        run_id=run_id,
        holidays=sorted(holidays),
        workdays=sorted(workdays),
        cover=cover,
        handed_out=handed_out or [],
        keep_cover=keep_cover,
    )


def _workload(
    elders_of: ElderRepository,
    community: Community,
    steward: Steward,
    policy: Policy,
    short_of_hours_on: tuple[date, frozenset[date], frozenset[date]] | None = None,
) -> Workload:
    """The community's elders and its steward's day. With `short_of_hours_on` (the plan date,
    holidays and make-up days), the day as the solver plans it then: a community short of
    hours for the rest of the month fills only a share of it with first tries."""
    elders = elders_of.elders_of_community(community.community_id)
    share = 1.0
    if short_of_hours_on is not None:
        day, holidays, workdays = short_of_hours_on
        share = first_try_share(community, steward, elders, day, policy, holidays, workdays)
    capacity = day_capacity(community, steward, elders, policy, share)
    return Workload(community, steward, elders, capacity)


def plan_cover(
    ports: NightlyPlanning,
    communities: dict[str, Community],
    stewards: dict[str, Steward],
    plan_date: date,
    holidays: frozenset[date],
    policy: Policy,
    workdays: frozenset[date] = frozenset(),
) -> CoverPlan:
    """Who covers which visits of absent or overloaded stewards on the plan date."""
    needs: dict[str, list[CoverVisit]] = {}
    points: dict[str, GeoPoint] = {}
    overloaded = overloaded_communities(ports.overflow, plan_date, holidays)
    # A day pinned full the night before may have lost a visit's margin to today's retries:
    # looked at too, and kept from helping only when it has overflow to hand out now.
    pinned = overloaded_communities(ports.overflow, plan_date, holidays, DayMark.PINNED)
    looked_at = overloaded | pinned
    if not looked_at:  # no route of the last days marked anything: the planner's first night
        on = (plan_date, holidays, workdays)
        looked_at = short_of_hours(ports.elders, communities, stewards, policy, on)
    for community_id, steward in stewards.items():
        community = communities.get(community_id)
        if community is None:
            continue
        if _absent_on(steward, plan_date, holidays, workdays):
            workload = _workload(ports.elders, community, steward, policy)
            needs[community_id] = visits_to_cover(workload, plan_date, holidays, policy, workdays)
        elif community_id in looked_at:
            solved_as = (plan_date, holidays, workdays)
            workload = _workload(ports.elders, community, steward, policy, solved_as)
            needs[community_id] = visits_to_offload(workload, plan_date, holidays, policy, workdays)
        else:
            continue
        points.update({e.elder_id: e.location for e in workload.elders})
    needs = {c: v for c, v in needs.items() if v}
    at_work = _at_work(
        stewards, communities, plan_date, holidays, overloaded | set(needs), workdays
    )
    pace = _pace(stewards, policy)
    helpers = helpers_of(needs, communities, at_work, pace)
    spare = _spare(ports, helpers, communities, stewards, plan_date, policy, holidays, workdays)
    places = _post_places(helpers, communities, stewards)
    return assign_cover(
        needs, communities, at_work, points, spare=spare, day=plan_date, pace=pace, places=places
    )


def _post_places(
    helpers: set[str], communities: dict[str, Community], stewards: dict[str, Steward]
) -> dict[str, int]:
    """A relief post's daily cap of cover: its steward's whole day of visits (it has no
    elders of its own), where a neighbour takes at most `COVER_PER_STEWARD`."""
    return {
        c: stewards[c].max_visits_per_day for c in sorted(helpers) if not communities[c].residential
    }


def _pace(stewards: dict[str, Steward], policy: Policy) -> dict[str, float]:
    """Each community's steward's minutes per metre: the mode's speed on the streets."""
    return {
        community_id: policy.circuity * 60 / (policy.speed_kmh[steward.mode] * 1000)
        for community_id, steward in stewards.items()
    }


def _spare(
    ports: NightlyPlanning,
    helpers: set[str],
    communities: dict[str, Community],
    stewards: dict[str, Steward],
    day: date,
    policy: Policy,
    holidays: frozenset[date],
    workdays: frozenset[date],
) -> dict[str, float]:
    """The spare minutes of the day of each steward who may be asked to cover."""
    return {
        c: spare_minutes(
            _workload(ports.elders, communities[c], stewards[c], policy, (day, holidays, workdays)),
            day,
            holidays,
            policy,
            workdays,
        )
        for c in sorted(helpers)
    }


def fan_out(tick: NightlyTick, run_id: str, policy: Policy, ports: NightlyPlanning) -> FanOut:
    """Send one plan job per community (of the tick's districts) for the plan date, each with
    the holidays near it and the cover its steward takes over."""
    plan_date = plan_date_of(tick)
    wanted = set(tick.district_ids) if tick.district_ids else None
    communities = {
        c.community_id: c
        for c in ports.communities.all_communities()
        if wanted is None or c.district_id in wanted
    }
    stewards = {s.community_id: s for s in ports.stewards.all_stewards()}
    holidays = holidays_near(ports.holidays.holidays(), plan_date)
    workdays = holidays_near(ports.holidays.workdays(), plan_date)
    cover = plan_cover(ports, communities, stewards, plan_date, holidays, policy, workdays)
    handed: dict[str, list[str]] = defaultdict(list)
    for visits in cover.assigned.values():
        for visit in visits:
            handed[visit.community_id].append(visit.elder_id)
    jobs = (
        _plan_job(
            c,
            plan_date,
            run_id,
            holidays,
            cover_items(cover.assigned.get(c, [])),
            workdays,
            handed_out=sorted(handed[c]),
        )
        for c in sorted(communities)
    )
    sent = ports.plan_jobs.send(jobs)
    absent = sum(
        1
        for c, s in stewards.items()
        if c in communities and _absent_on(s, plan_date, holidays, workdays)
    )
    return FanOut(
        plan_date,
        run_id,
        sent,
        absent=absent,
        covered=sum(len(v) for v in cover.assigned.values()),
        uncovered=len(cover.uncovered),
    )


def cover_now(
    steward_id: str, day: date, run_id: str, policy: Policy, ports: NightlyPlanning
) -> int:
    """Cover a steward who is away on a day already planned (e.g. sick this morning).

    The nightly plan could not know: the absent steward's visits for the day that cannot
    wait, and the cover its route held for other communities, go to the nearest stewards at
    work, whose routes for the day are planned again with that cover added to the cover they
    already had. Returns the visits handed out.
    """
    absent = ports.stewards.get_steward(steward_id, consistent=True)
    holidays = holidays_near(ports.holidays.holidays(), day)
    workdays = holidays_near(ports.holidays.workdays(), day)
    if not _absent_on(absent, day, holidays, workdays):
        return 0
    communities = {c.community_id: c for c in ports.communities.all_communities()}
    stewards = {s.community_id: s for s in ports.stewards.all_stewards()}
    workload = _workload(ports.elders, communities[absent.community_id], absent, policy)
    route = ports.routes.find_route(absent.steward_id, day)
    handed = set((route or {}).get(HANDED_OUT, []))  # the night gave these to neighbours
    to_cover = visits_to_cover(workload, day, holidays, policy, workdays)
    needs = {absent.community_id: [v for v in to_cover if v.elder_id not in handed]}
    points = {e.elder_id: e.location for e in workload.elders}
    walk = workload.capacity.travel_minutes_per_visit
    held_by_absent = [] if route is None else route_cover(route, walk, policy)
    for visit, elder in _handed_back(held_by_absent, ports):
        needs.setdefault(visit.community_id, []).append(visit)
        points[elder.elder_id] = elder.location
    # Excluded by name too: the stewards scan may not show the new leave yet. Overloaded
    # stewards help nobody, as at night.
    busy = {absent.community_id} | overloaded_communities(ports.overflow, day, holidays)
    at_work = _at_work(stewards, communities, day, holidays, busy, workdays)
    pace = _pace(stewards, policy)
    helpers = helpers_of(needs, communities, at_work, pace)
    spare = _spare(ports, helpers, communities, stewards, day, policy, holidays, workdays)
    # What a helper's route already holds (the night's cover, an earlier call's) takes its
    # minutes and places first: a second call of the morning does not pile onto it.
    holding = {c: _cover_held(ports.routes, stewards[c], day, walk, policy) for c in helpers}
    for community_id, held in holding.items():
        spare[community_id] = max(0.0, spare[community_id] - sum(v.minutes for v in held))
    held_places = {c: len(held) for c, held in holding.items()}
    cover = assign_cover(
        needs,
        communities,
        at_work,
        points,
        spare=spare,
        day=day,
        holding=held_places,
        pace=pace,
        places=_post_places(helpers, communities, stewards),
    )
    hold_cover(ports.routes, stewards, day, cover.assigned)
    jobs = [
        _plan_job(
            community_id, day, run_id, holidays, cover_items(visits), workdays, keep_cover=True
        )
        for community_id, visits in sorted(cover.assigned.items())
    ]
    ports.plan_jobs.send(jobs)
    return sum(len(visits) for visits in cover.assigned.values())


def replan_for_return(
    community_id: str, now: datetime, run_id: str, ports: NightlyPlanning
) -> bool:
    """An elder back home (from hospital, say) before the day's work began: the steward's day,
    already planned without the elder, is planned again, keeping the cover and the urgent
    visits it holds. The horizon then gives the elder today when its month or cadence cannot
    wait (a stay ending near the month's end leaves few days). A return reported once the
    day's work began waits for the night's plan. Returns whether a re-plan was sent."""
    local = now.astimezone(CHINA_TZ)
    day = local.date()
    steward = ports.stewards.steward_of_community(community_id)
    started = local.hour * 3600 + local.minute * 60 >= steward.shift.start
    if started or ports.routes.find_route(steward.steward_id, day) is None:
        return False
    holidays = holidays_near(ports.holidays.holidays(), day)
    workdays = holidays_near(ports.holidays.workdays(), day)
    job = _plan_job(community_id, day, run_id, holidays, [], workdays, keep_cover=True)
    ports.plan_jobs.send([job])
    return True


def _cover_held(
    routes: RouteRepository, steward: Steward, day: date, walk: float, policy: Policy
) -> list[CoverVisit]:
    """The cover a helper's stored route for the day holds (none without a route)."""
    route = routes.find_route(steward.steward_id, day)
    return [] if route is None else route_cover(route, walk, policy)


def _handed_back(held: list[CoverVisit], ports: NightlyPlanning) -> list[tuple[CoverVisit, Elder]]:
    """The cover an absent helper's route held for other communities (`_cover_held`), with
    its elders, to hand out again (it was theirs to do today: each keeps the deadline and
    tier the route gave it)."""
    if not held:
        return []
    by_elder = {visit.elder_id: visit for visit in held}
    return [(by_elder[e.elder_id], e) for e in _cover_elders(ports.elders, cover_items(held))]


@dataclass(frozen=True)
class CommunityPlanning:
    """The ports planning one community's day (the solver) reads and writes."""

    communities: CommunityRepository
    stewards: StewardRepository
    elders: ElderRepository
    routes: RouteRepository
    overflow: OverflowMarks
    days: DayReading
    """The community and the steward's routes of the day before and of the day, read at once."""


@dataclass(frozen=True)
class CommunityPlanned:
    community_id: str
    steward_id: str
    planned: int
    unassigned: int
    day_off: bool
    cover: int = 0


def _cover_elders(elders: ElderRepository, items: list[CoverItem]) -> list[Elder]:
    wanted: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if item.elder_id not in wanted[item.community_id]:  # once each
            wanted[item.community_id].append(item.elder_id)
    found: list[Elder] = []
    for community_id, elder_ids in sorted(wanted.items()):
        found.extend(elders.get_elders(community_id, elder_ids).values())
    return found


def _stop_order(document: dict[str, Any] | None) -> tuple[str, ...]:
    """The elder ids of a route, in order; () without a route."""
    return () if document is None else tuple(stop["elder_id"] for stop in document["stops"])


def plan_community(job: PlanJob, policy: Policy, ports: CommunityPlanning) -> CommunityPlanned:
    """Plan one community's steward for the job's date and store the route (overwriting).

    A re-plan of a day already planned (`keep_cover`: cover for a sick neighbour) keeps the
    urgent visits and the cover the stored route holds, and stores its route only over the
    route it read: when another re-plan or an urgent visit changed it meanwhile (two sick
    calls of one morning solved at once), it reads the route again and plans again.
    """
    routes = ports.routes
    steward = ports.stewards.steward_of_community(job.community_id)
    holidays, workdays = frozenset(job.holidays), frozenset(job.workdays)
    calendar = steward_calendar(steward, policy, holidays, workdays)
    if not (calendar.works_on(job.plan_date) or calendar.on_duty(job.plan_date)):
        return CommunityPlanned(job.community_id, steward.steward_id, 0, 0, day_off=True)
    read = ports.days.day_reads(job.community_id, steward.steward_id, job.plan_date)
    community, stored = read.community, read.stored
    elders = ports.elders.elders_of_community(job.community_id)
    share = first_try_share(community, steward, elders, job.plan_date, policy, holidays, workdays)
    yesterday = _stop_order(read.yesterday)
    for attempt in range(REPLAN_ATTEMPTS):
        if attempt:  # the stored route changed since it was read: read it again
            stored = routes.find_route(steward.steward_id, job.plan_date)
        kept = cover_on_route(stored) if job.keep_cover else []
        # A re-plan keeps leaving out what the night handed to neighbours.
        handed = frozenset(job.handed_out) | frozenset((stored or {}).get(HANDED_OUT, []))
        day = plan_day(
            community,
            steward,
            elders,
            job.plan_date,
            policy,
            warm_start=yesterday,
            holidays=holidays,
            workdays=workdays,
            cover=_cover_elders(ports.elders, kept + job.cover),
            urgent=urgent_stops(stored),
            first_try_share=share,
            handed_out=handed,
        )
        if day is None:
            return CommunityPlanned(community.community_id, steward.steward_id, 0, 0, day_off=True)
        day.document["run_id"] = job.run_id
        if handed:
            day.document[HANDED_OUT] = sorted(handed)
        if not job.keep_cover:
            routes.save_route(day.document)
            break
        if routes.replace_route(day.document, stored):
            break
    else:
        raise ConflictError(
            f"route of steward {steward.steward_id} on {job.plan_date} kept changing while "
            f"it was re-planned ({REPLAN_ATTEMPTS} tries); the job is retried"
        )
    horizon = day.document["stats"]["horizon"]
    marks = ports.overflow
    overflowing, pinned = horizon["overflow"] > 0, horizon["next_day_pinned"]
    marks.mark_overflow(job.plan_date, job.community_id, overflowing, DayMark.OVERFLOW)
    marks.mark_overflow(job.plan_date, job.community_id, pinned, DayMark.PINNED)
    return CommunityPlanned(
        community.community_id,
        steward.steward_id,
        planned=len(day.result.stops),
        unassigned=len(day.document["unassigned"]),
        day_off=False,
        cover=sum(1 for stop in day.document["stops"] if stop["cover"]),
    )
