"""Nightly planning: fan out one job per community, then plan each community's day.

The fan-out also hands to the nearest stewards at work (careroute.service_layer.cover) the
visits of absent stewards (leave, sick days) that cannot wait for their return, and a daily
share of the visits of stewards with more work than days (their last route's horizon said
so); and it passes the public holidays and make-up working days to every job.

Both take their ports (`NightlyPlanning`, `CommunityPlanning`): DynamoDB and SQS in the
planner and solver functions, memory in tests and simulations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from careroute.domain.errors import ConflictError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import CHINA_TZ, Community, Steward
from careroute.messages.visits import NightlyTick, PlanJob
from careroute.planning.absence_cover import CoverPlan
from careroute.planning.capacity import first_try_share
from careroute.planning.urgent_route import urgent_stops
from careroute.service_layer.cover import absent_on, cover_elders, plan_cover
from careroute.service_layer.elders_read_once import EldersReadOnce
from careroute.service_layer.night_plan_date import holidays_near, plan_date_of
from careroute.service_layer.nightly_ports import NightlyPlanning, plan_job
from careroute.service_layer.overflow_look_back import night_marks
from careroute.service_layer.ports import (
    CommunityRepository,
    ElderRepository,
    OverflowMarks,
    RouteRepository,
    StewardRepository,
)
from careroute.service_layer.ports.plan_reads import DayReading, DayReads
from careroute.service_layer.ports.plan_writes import DayWriting
from careroute.service_layer.ports.visits import DayMark
from careroute.service_layer.route_cover import (
    HANDED_OUT,
    REPLAN_ATTEMPTS,
    cover_items,
    cover_on_route,
)
from careroute.service_layer.route_plan import plan_day, steward_calendar


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


def fan_out(tick: NightlyTick, run_id: str, policy: Policy, ports: NightlyPlanning) -> FanOut:
    """Send one plan job per community (of the tick's districts) for the plan date, each with
    the holidays near it and the cover its steward takes over.

    The cover stays inside a district (careroute.planning.absence_cover): each district's jobs
    go as soon as its cover is decided, so the solvers start on them while the next district's
    elders are read (on the planner's first night, every community's)."""
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
    marks = night_marks(ports.overflow, plan_date, holidays)

    def jobs(district: dict[str, Community], cover: CoverPlan) -> Iterator[PlanJob]:
        handed: dict[str, list[str]] = defaultdict(list)
        for visits in cover.assigned.values():
            for visit in visits:
                handed[visit.community_id].append(visit.elder_id)
        for c in sorted(district):
            yield plan_job(
                c,
                plan_date,
                run_id,
                holidays,
                cover_items(cover.assigned.get(c, [])),
                workdays,
                handed_out=sorted(handed[c]),
                steward_id=stewards[c].steward_id if c in stewards else None,
            )

    sent = covered = uncovered = 0
    for district in _by_district(communities):
        # The cover's reads of a community's elders (up to three on the first night) share one.
        reading_once = replace(ports, elders=EldersReadOnce(ports.elders))
        cover = plan_cover(
            reading_once, district, stewards, plan_date, holidays, policy, workdays, marks
        )
        sent += ports.plan_jobs.send(jobs(district, cover))
        covered += sum(len(v) for v in cover.assigned.values())
        uncovered += len(cover.uncovered)
    absent = sum(
        1
        for c, s in stewards.items()
        if c in communities and absent_on(s, plan_date, holidays, workdays)
    )
    return FanOut(plan_date, run_id, sent, absent=absent, covered=covered, uncovered=uncovered)


def _by_district(communities: dict[str, Community]) -> list[dict[str, Community]]:
    """The communities of each district, the districts in id order."""
    grouped: dict[str, dict[str, Community]] = defaultdict(dict)
    for community_id, community in sorted(communities.items()):
        grouped[community.district_id][community_id] = community
    return [grouped[district_id] for district_id in sorted(grouped)]


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
    job = plan_job(
        community_id, day, run_id, holidays, [], workdays, keep_cover=True,
        steward_id=steward.steward_id,
    )  # fmt: skip
    ports.plan_jobs.send([job])
    return True


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
    day_writes: DayWriting
    """The route and the community's day marks, written at once."""


@dataclass(frozen=True)
class CommunityPlanned:
    community_id: str
    steward_id: str
    planned: int
    unassigned: int
    day_off: bool
    cover: int = 0


def _stop_order(document: dict[str, Any] | None) -> tuple[str, ...]:
    """The elder ids of a route, in order; () without a route."""
    return () if document is None else tuple(stop["elder_id"] for stop in document["stops"])


def _day_of(job: PlanJob, ports: CommunityPlanning) -> tuple[DayReads, Steward]:
    """The community's day and its steward: read at once with the steward the job names while
    it still serves the community; else (a job sent without one, a steward gone or moved since)
    the community's steward is found first."""
    if job.steward_id is not None:
        read = ports.days.day_reads(job.community_id, job.steward_id, job.plan_date)
        if read.steward is not None and read.steward.community_id == job.community_id:
            return read, read.steward
    steward = ports.stewards.steward_of_community(job.community_id)
    return ports.days.day_reads(job.community_id, steward.steward_id, job.plan_date), steward


def plan_community(job: PlanJob, policy: Policy, ports: CommunityPlanning) -> CommunityPlanned:
    """Plan one community's steward for the job's date and store the route (overwriting).

    A re-plan of a day already planned (`keep_cover`: cover for a sick neighbour) keeps the
    urgent visits and the cover the stored route holds, and stores its route only over the
    route it read: when another re-plan or an urgent visit changed it meanwhile (two sick
    calls of one morning solved at once), it reads the route again and plans again.
    """
    routes = ports.routes
    read, steward = _day_of(job, ports)
    holidays, workdays = frozenset(job.holidays), frozenset(job.workdays)
    calendar = steward_calendar(steward, policy, holidays, workdays)
    if not (calendar.works_on(job.plan_date) or calendar.on_duty(job.plan_date)):
        return CommunityPlanned(job.community_id, steward.steward_id, 0, 0, day_off=True)
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
            cover=cover_elders(ports.elders, kept + job.cover),
            urgent=urgent_stops(stored),
            first_try_share=share,
            handed_out=handed,
        )
        if day is None:
            return CommunityPlanned(community.community_id, steward.steward_id, 0, 0, day_off=True)
        day.document["run_id"] = job.run_id
        if handed:
            day.document[HANDED_OUT] = sorted(handed)
        if not job.keep_cover:  # stored with the marks below
            break
        if routes.replace_route(day.document, stored):
            break
    else:
        raise ConflictError(
            f"route of steward {steward.steward_id} on {job.plan_date} kept changing while "
            f"it was re-planned ({REPLAN_ATTEMPTS} tries); the job is retried"
        )
    horizon = day.document["stats"]["horizon"]
    marks = {DayMark.OVERFLOW: horizon["overflow"] > 0, DayMark.PINNED: horizon["next_day_pinned"]}
    route = None if job.keep_cover else day.document
    ports.day_writes.store_day(job.community_id, job.plan_date, marks, route)
    return CommunityPlanned(
        community.community_id,
        steward.steward_id,
        planned=len(day.result.stops),
        unassigned=len(day.document["unassigned"]),
        day_off=False,
        cover=sum(1 for stop in day.document["stops"] if stop["cover"]),
    )
