"""Nightly planning: fan out one job per community, then plan each community's day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain import CHINA_TZ
from careroute.messages import NightlyTick, PlanJob
from careroute.policy import Policy
from careroute.services.route_plan import plan_day
from careroute.storage import plan_jobs, registry, routes


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


def fan_out(tick: NightlyTick, queue_url: str, run_id: str) -> FanOut:
    plan_date = plan_date_of(tick)
    wanted = set(tick.district_ids) if tick.district_ids else None
    communities = sorted(
        c.community_id
        for c in registry.all_communities()
        if wanted is None or c.district_id in wanted
    )
    jobs = (PlanJob(community_id=c, plan_date=plan_date, run_id=run_id) for c in communities)
    sent = plan_jobs.send_plan_jobs(queue_url, jobs)
    return FanOut(plan_date, run_id, sent)


@dataclass(frozen=True)
class CommunityPlanned:
    community_id: str
    steward_id: str
    planned: int
    unassigned: int
    day_off: bool


def plan_community(job: PlanJob, policy: Policy) -> CommunityPlanned:
    """Plan one community's steward for the job's date and store the route (overwriting)."""
    community = registry.get_community(job.community_id)
    steward = registry.steward_of_community(job.community_id)
    elders = registry.elders_of_community(job.community_id)
    yesterday = routes.previous_order(steward.steward_id, job.plan_date - timedelta(days=1))
    day = plan_day(community, steward, elders, job.plan_date, policy, warm_start=yesterday)
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
    )
