"""Needs assessments (能力评估): qualified assessors visit disabled or semi-disabled elders to
grade their care level, which sets the care subsidy (eligibility.py, `[benefits]`
care_subsidy: self-care 200, semi-disabled 400, disabled 600 yuan a month by default).

Pure: no AWS, no OR-Tools (the fleet problem is in assessment_routing). A request has a
deadline; a district's day is a fleet problem like the inspections' (skills route a request
to qualified assessors only): requests due before the next working day are mandatory,
those due within `lookahead_days` optional with a penalty growing as the deadline nears.
A result scores the policy's instrument (assessment_instrument.py: the national standard's
four dimensions) and its total gives the care level; it sets the elder's assessed care level
and keeps the `disabled` (失能) category in step with it, so the risk tier follows
(policy.tier_of reads the categories). The scores are kept on the request, so the level can
be recomputed from the record. Requests come from the API (`new_request`: a steward, the
family, an official) or an import.

"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from careroute.domain.eligibility import CareLevel
from careroute.domain.policy_tables import check_ranges, setting
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.stable_ids import stable_id
from careroute.domain.vocabulary import (
    Category,
    Elder,
    GeoPoint,
    TimeWindow,
)

QUALIFIED = "care_assessment"
"""The skill an assessor needs (a certified assessor, 评估员)."""
SHIFT = TimeWindow.parse("08:30", "17:00")
LUNCH = TimeWindow.parse("12:00", "13:00")
HOME_HOURS = TimeWindow.parse("09:00", "16:30")


class RequestStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


@dataclass(frozen=True)
class AssessmentRules:
    service_minutes: int = setting(60, low=1)
    lookahead_days: int = setting(5, low=0)
    base_penalty: int = setting(3_600, low=0)
    speed_kmh: float = setting(20.0, above=0)
    """Assessors drive or ride (x the policy's circuity)."""
    reach: int = setting(4, low=1)
    """A day routes at most `reach` times the assessments its qualified assessors can make
    (`within_reach`); the others wait. The router's search grows with its stops, and a
    district's backlog (200 open requests, 120 of them mandatory, for 10 assessments a day)
    only slowed it: with four times the day's room it plans as many, more of them on time
    (docs/simulation.md, "The programmes' process's CPU")."""

    def __post_init__(self) -> None:
        check_ranges(self)


@dataclass(frozen=True)
class Assessor:
    assessor_id: str
    district_id: str
    base: GeoPoint
    """The district's civil-affairs office: routes start and end here."""
    skills: frozenset[str]
    shift: TimeWindow = SHIFT
    lunch_break: TimeWindow | None = LUNCH
    days_off: frozenset[int] = frozenset({5, 6})

    def works_on(self, day: date) -> bool:
        return day.weekday() not in self.days_off

    def most_assessments(self, rules: AssessmentRules) -> int:
        """The assessments a day of this assessor can hold at most: the home hours within the
        shift, less lunch, over the time of one (no travel, so never below the real number)."""
        hours = self.shift.intersect(HOME_HOURS)
        if hours is None:
            return 0
        lunch = self.lunch_break.intersect(hours) if self.lunch_break else None
        free = hours.seconds - (lunch.seconds if lunch else 0)
        return free // (rules.service_minutes * 60)


@dataclass(frozen=True)
class AssessmentRequest:
    request_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    location: GeoPoint
    requested_on: date
    deadline: date
    status: RequestStatus = RequestStatus.OPEN
    level: CareLevel | None = None
    """The graded care level, once done."""
    scores: tuple[tuple[str, int], ...] = ()
    """The instrument's score per dimension that graded it, once done (by dimension name)."""


def new_request(elder: Elder, on: date, deadline_days: int) -> AssessmentRequest:
    """An open request to assess `elder`, made on `on` and due `deadline_days` later."""
    return AssessmentRequest(
        request_id=request_id(elder.elder_id, on),
        **elder_scope_ids(elder),
        location=elder.location,
        requested_on=on,
        deadline=on + timedelta(days=deadline_days),
    )


@dataclass(frozen=True)
class Candidate:
    request: AssessmentRequest
    penalty: int | None
    """None: mandatory on this day."""


def request_id(elder_id: str, requested_on: date) -> str:
    return stable_id("as-", f"assessment#{elder_id}#{requested_on}", 16)


def candidates(
    requests: Iterable[AssessmentRequest], on: date, next_working_day: date, rules: AssessmentRules
) -> list[Candidate]:
    """Open requests to route on `on`, mandatory first, then by deadline."""
    chosen = []
    for r in requests:
        if r.status is not RequestStatus.OPEN or r.requested_on > on:
            continue
        if r.deadline < next_working_day:
            chosen.append(Candidate(r, None))
            continue
        days_left = (r.deadline - on).days
        if days_left <= rules.lookahead_days:
            chosen.append(Candidate(r, rules.base_penalty * (rules.lookahead_days + 1 - days_left)))
    chosen.sort(key=lambda c: (c.penalty is not None, c.request.deadline, c.request.request_id))
    return chosen


def within_reach(
    chosen: list[Candidate], on: date, at_work: Iterable[Assessor], rules: AssessmentRules
) -> list[Candidate]:
    """The candidates a day routes: `rules.reach` times the assessments its qualified
    assessors at work can make, mandatory first; of those, the ones still on time if done
    `on` (by deadline), then the ones past it (the oldest first): a request already late is
    late whichever day it is done, one due today not yet. A mandatory request left out waits
    as one the plan could not serve."""
    room = sum(a.most_assessments(rules) for a in at_work if QUALIFIED in a.skills)
    ranked = sorted(
        chosen,
        key=lambda c: (c.penalty is not None, c.request.deadline < on, c.request.deadline,
                       c.request.request_id),
    )  # fmt: skip
    return ranked[: rules.reach * room]


def categories_after(categories: frozenset[Category], level: CareLevel) -> frozenset[Category]:
    """The categories once graded: semi-disabled or disabled elders are `disabled` (失能);
    a self-care grade removes it (the 重残 certificate is another office's and stays)."""
    if level is CareLevel.SELF_CARE:
        return categories - {Category.DISABLED}
    return categories | {Category.DISABLED}
