"""The memory engine's solver processes (`--workers N`), as the stack runs the plan-jobs queue's
consumer in N processes: a night's plan jobs are independent (each plans one community's
steward, reads only that community's elders, routes and the cover elders named in the job,
and writes only that steward's route and the community's overflow and pinned marks), so they can be
solved at once.

Each solve forks N workers that inherit the memory stores as they are before the night's
jobs; a worker runs the real `plan_community` on its copy and hands back what it wrote (the
route document, the marks), which is then written into the engine's own stores, job
by job in the order the jobs were sent: the same stores as solving them one after the other.
Jobs for the same community and day (two sick neighbours of one morning both handing it
cover) are solved by one worker in their order, so the second reads the route the first
wrote, as it would one after the other: solved apart, the second overwrote the first's cover.

Before the fork every object of this process goes to the collector's permanent generation
(`gc.freeze`): a worker's collections then never walk the inherited stores, which would cost
it the time of the walk and a private copy of every page they touch.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from careroute.domain.errors import CareRouteError
from careroute.domain.policy import Policy
from careroute.messages.visits import PlanJob
from careroute.service_layer.planning import CommunityPlanning, plan_community
from careroute.service_layer.ports.visits import DayMark

MIN_JOBS_PER_WORKER = 2
"""Fewer jobs than this per worker are solved in this process (a fork costs more)."""
CHUNKS_PER_WORKER = 64
"""A batch goes to the workers in about this many chunks each: small enough that the last
chunk of one worker does not keep the other idle for long (a nightly job takes ~0.07 s)."""


@dataclass(frozen=True)
class Planned:
    """What solving one job wrote: the route and the overflow and pinned marks (none on a day
    off), or the error that stopped it."""

    job: PlanJob
    route: dict[str, Any] | None = None
    marks: dict[DayMark, bool] = field(default_factory=dict)
    """Whether the community is marked, by kind of mark."""
    error: str | None = None


_inherited: tuple[Policy, CommunityPlanning] | None = None
"""The stores a forked worker solves on (set just before the fork)."""


def solve_one(job: PlanJob, policy: Policy, ports: CommunityPlanning) -> Planned:
    """Run the solver's use case for one job; what it wrote, read back from `ports`."""
    try:
        outcome = plan_community(job, policy, ports)
    except CareRouteError as exc:
        return Planned(job, error=str(exc))
    if outcome.day_off:
        return Planned(job)
    route = ports.routes.find_route(outcome.steward_id, job.plan_date)
    marks = {
        kind: job.community_id in ports.overflow.overflowing_on(job.plan_date, kind)
        for kind in DayMark
    }
    return Planned(job, route, marks)


def _solve_inherited(jobs: list[PlanJob]) -> list[Planned]:
    """One community's jobs of the day, in order, on this worker's copy of the stores."""
    assert _inherited is not None, "a solver worker without its stores"
    policy, ports = _inherited
    return [solve_one(job, policy, ports) for job in jobs]


def solve_all(
    jobs: list[PlanJob], policy: Policy, ports: CommunityPlanning, workers: int
) -> list[Planned]:
    """Solve every job, in `workers` forked processes when there are enough jobs, and leave
    in `ports` what solving them one after the other would; the results in job order."""
    global _inherited
    if workers <= 1 or len(jobs) < MIN_JOBS_PER_WORKER * workers:
        return [solve_one(job, policy, ports) for job in jobs]
    same_route: dict[tuple[str, date], list[int]] = defaultdict(list)
    for index, job in enumerate(jobs):
        same_route[(job.community_id, job.plan_date)].append(index)
    groups = list(same_route.values())
    _inherited = (policy, ports)
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            chunk = max(1, len(groups) // (workers * CHUNKS_PER_WORKER))
            solved = pool.map(
                _solve_inherited, [[jobs[i] for i in group] for group in groups], chunksize=chunk
            )
    finally:
        gc.unfreeze()
        _inherited = None
    by_index = {
        i: result
        for group, results in zip(groups, solved, strict=True)
        for i, result in zip(group, results, strict=True)
    }
    planned = [by_index[i] for i in range(len(jobs))]
    for result in planned:  # the workers wrote into their copies: write here what they did
        if result.route is not None:
            job = result.job
            ports.day_writes.store_day(job.community_id, job.plan_date, result.marks, result.route)
    return planned
