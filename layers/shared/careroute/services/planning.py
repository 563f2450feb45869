"""Nightly planning: fan out one job per community, then plan each community's day.

The fan-out also hands the visits of absent stewards (leave, sick days) that cannot wait
for their return to the nearest stewards at work (careroute.cover), and passes the bureau's
public holidays to every job.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from careroute.cover import Absence, CoverPlan, CoverVisit, assign_cover, visits_to_cover
from careroute.domain import CHINA_TZ, Community, Elder, GeoPoint, Steward
from careroute.due import WorkCalendar
from careroute.messages import CoverItem, NightlyTick, PlanJob
from careroute.policy import Policy
from careroute.services import bureau
from careroute.services.route_plan import day_capacity, plan_day
from careroute.storage import plan_jobs, registry, routes

HOLIDAYS_AHEAD = timedelta(days=62)
"""Holidays further ahead than this cannot change tomorrow's plan (the horizon is shorter)."""


def plan_date_of(tick: NightlyTick) -> date:
    """The nightly run plans the next local day, unless the tick names a date."""
    if tick.plan_date is not None:
        return tick.plan_date
    return tick.scheduled_time.astimezone(CHINA_TZ).date() + timedelta(days=1)


@dataclass(frozen=True)
class FanOut:
    plan_date: date
    run_id: str
    jobs: int
    absent: int
    """Stewards on leave on the plan date (on what would be a working day)."""
    covered: int
    """Their visits handed to neighbours."""
    uncovered: int
    """Their visits no neighbour had room for (offered again the next night)."""


def holidays_near(plan_date: date) -> frozenset[date]:
    return frozenset(
        h.date
        for h in bureau.holidays().holidays
        if plan_date - HOLIDAYS_AHEAD <= h.date <= plan_date + HOLIDAYS_AHEAD
    )


def _absent_on(steward: Steward, day: date, holidays: frozenset[date]) -> bool:
    """On leave on a day the steward would otherwise work."""
    regular = WorkCalendar(steward.days_off, holidays)
    return regular.works_on(day) and day in steward.leave


def plan_cover(
    communities: dict[str, Community],
    stewards: dict[str, Steward],
    plan_date: date,
    holidays: frozenset[date],
    policy: Policy,
) -> CoverPlan:
    """Who covers which absent steward's visits on the plan date."""
    needs: dict[str, list[CoverVisit]] = {}
    points: dict[str, GeoPoint] = {}
    for community_id, steward in stewards.items():
        if community_id not in communities or not _absent_on(steward, plan_date, holidays):
            continue
        community = communities[community_id]
        elders = registry.elders_of_community(community_id)
        capacity = day_capacity(community, steward, elders, policy)
        absence = Absence(community, steward, elders, capacity)
        needs[community_id] = visits_to_cover(absence, plan_date, holidays, policy)
        points.update({e.elder_id: e.location for e in elders})
    at_work = [
        c
        for c, s in stewards.items()
        if c in communities and WorkCalendar.of(s, holidays).works_on(plan_date)
    ]
    return assign_cover(needs, communities, at_work, points)


def fan_out(tick: NightlyTick, queue_url: str, run_id: str, policy: Policy) -> FanOut:
    plan_date = plan_date_of(tick)
    wanted = set(tick.district_ids) if tick.district_ids else None
    communities = {
        c.community_id: c
        for c in registry.all_communities()
        if wanted is None or c.district_id in wanted
    }
    stewards = {s.community_id: s for s in registry.all_stewards()}
    holidays = holidays_near(plan_date)
    cover = plan_cover(communities, stewards, plan_date, holidays, policy)
    jobs = (
        PlanJob(
            community_id=c,
            plan_date=plan_date,
            run_id=run_id,
            holidays=sorted(holidays),
            cover=[
                CoverItem(community_id=v.community_id, elder_id=v.elder_id)
                for v in cover.assigned.get(c, [])
            ],
        )
        for c in sorted(communities)
    )
    sent = plan_jobs.send_plan_jobs(queue_url, jobs)
    absent = sum(
        1 for c, s in stewards.items() if c in communities and _absent_on(s, plan_date, holidays)
    )
    return FanOut(
        plan_date,
        run_id,
        sent,
        absent=absent,
        covered=sum(len(v) for v in cover.assigned.values()),
        uncovered=len(cover.uncovered),
    )


@dataclass(frozen=True)
class CommunityPlanned:
    community_id: str
    steward_id: str
    planned: int
    unassigned: int
    day_off: bool
    cover: int = 0


def _cover_elders(job: PlanJob) -> list[Elder]:
    wanted: dict[str, list[str]] = defaultdict(list)
    for item in job.cover:
        wanted[item.community_id].append(item.elder_id)
    found: list[Elder] = []
    for community_id, elder_ids in sorted(wanted.items()):
        found.extend(registry.get_elders(community_id, elder_ids).values())
    return found


def plan_community(job: PlanJob, policy: Policy) -> CommunityPlanned:
    """Plan one community's steward for the job's date and store the route (overwriting)."""
    steward = registry.steward_of_community(job.community_id)
    if not WorkCalendar.of(steward, job.holidays).works_on(job.plan_date):
        return CommunityPlanned(job.community_id, steward.steward_id, 0, 0, day_off=True)
    community = registry.get_community(job.community_id)
    elders = registry.elders_of_community(job.community_id)
    yesterday = routes.previous_order(steward.steward_id, job.plan_date - timedelta(days=1))
    cover = _cover_elders(job)
    day = plan_day(
        community,
        steward,
        elders,
        job.plan_date,
        policy,
        warm_start=yesterday,
        holidays=frozenset(job.holidays),
        cover=cover,
    )
    if day is None:
        return CommunityPlanned(community.community_id, steward.steward_id, 0, 0, day_off=True)
    day.document["run_id"] = job.run_id
    routes.save_route(day.document)
    return CommunityPlanned(
        community.community_id,
        steward.steward_id,
        planned=len(day.result.stops),
        unassigned=len(day.result.unassigned),
        day_off=False,
        cover=sum(1 for stop in day.document["stops"] if stop["cover"]),
    )
