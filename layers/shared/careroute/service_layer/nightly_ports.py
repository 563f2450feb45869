"""The ports the night's fan-out and a same-day cover read and write, and the plan job they
send for a community's day (the night's, or a re-plan of a day already planned)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from careroute.messages.visits import CoverItem, PlanJob
from careroute.service_layer.ports import (
    CommunityRepository,
    ElderRepository,
    HolidayCalendar,
    OverflowMarks,
    PlanJobQueue,
    RouteRepository,
    StewardRepository,
)


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


def plan_job(
    community_id: str,
    day: date,
    run_id: str,
    holidays: frozenset[date],
    cover: list[CoverItem],
    workdays: frozenset[date] = frozenset(),
    keep_cover: bool = False,
    handed_out: list[str] | None = None,
    steward_id: str | None = None,
) -> PlanJob:
    return PlanJob(
        community_id=community_id,
        steward_id=steward_id,
        plan_date=day,
        run_id=run_id,
        holidays=sorted(holidays),
        workdays=sorted(workdays),
        cover=cover,
        handed_out=handed_out or [],
        keep_cover=keep_cover,
    )
