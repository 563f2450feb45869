"""The vocabulary of elder-care visiting: who is visited, by whom, where and when.

Plain frozen dataclasses; no AWS, no OR-Tools. Times of day are seconds since local midnight
(China Standard Time, UTC+8, no daylight saving), dates are local calendar dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
"""Local time of every community; China keeps one zone and no daylight saving."""


def china_date(moment: datetime) -> date:
    """The calendar day of `moment` in China: every day, month and deadline is counted there."""
    return moment.astimezone(CHINA_TZ).date()


def attempt_since_visit(
    last_attempt_at: datetime | None, last_visited_on: date | None
) -> datetime | None:
    """The stored failed attempt, if it is after the last completed visit.

    The projector only ever moves the stored attempt forward and never clears it; a completed
    visit supersedes it when the elder is read instead: an attempt whose local date is not
    after `last_visited_on` is not "since the last completed visit" and reads as None.
    """
    if last_attempt_at is None:
        return None
    if last_visited_on is not None and china_date(last_attempt_at) <= last_visited_on:
        return None
    return last_attempt_at


class Category(StrEnum):
    """The special-difficulty categories an elder can belong to (several at once): the seven
    the visit programme names, dementia, and the subsistence statuses of the social
    assistance register (at most one of those, registry_rules.SUBSISTENCE)."""

    LIVING_ALONE = "living_alone"  # 独居
    EMPTY_NEST = "empty_nest"  # 空巢
    LEFT_BEHIND = "left_behind"  # 留守
    DISABLED = "disabled"  # 失能
    SEVERELY_HANDICAPPED = "severely_handicapped"  # 重残
    POOR = "poor"  # 贫困
    FAMILY_PLANNING_SPECIAL = "family_planning_special"  # 计划生育特殊家庭
    DEMENTIA = "dementia"  # 失智
    SUBSISTENCE = "subsistence"  # 低保 (minimum living allowance)
    NEAR_SUBSISTENCE = "near_subsistence"  # 低保边缘 (just above the allowance line)
    EXTREME_POVERTY = "extreme_poverty"  # 特困 (特困供养: destitute, state-supported)


class Tier(StrEnum):
    """Risk tier: sets how often an elder must be visited."""

    T1 = "T1"
    T2 = "T2"
    T3 = "T3"


TIER_WEIGHT = {Tier.T1: 3, Tier.T2: 2, Tier.T3: 1}
"""How a visit of each tier weighs against another's when a day cannot hold them all (the
routers' drop penalties, the steward's day and an urgent visit's re-plan alike)."""


class ElderStatus(StrEnum):
    ACTIVE = "active"
    HOSPITALISED = "hospitalised"
    MOVED = "moved"
    DECEASED = "deceased"


class TravelMode(StrEnum):
    WALK = "walk"
    BIKE = "bike"
    CAR = "car"
    """A street's relief steward drives: their visits lie across the whole street."""


class CommunityKind(StrEnum):
    """What a registry community is: a residential community with its elders, or a street's
    relief post (the street office's relief steward, with a vehicle and no elders of their
    own, who takes the visits of sick stewards no neighbour has room for)."""

    RESIDENTIAL = "residential"
    RELIEF_POST = "relief_post"


class Outcome(StrEnum):
    """What a steward records at the door."""

    VISITED = "visited"
    NOT_HOME = "not_home"
    REFUSED = "refused"
    HOSPITALISED = "hospitalised"
    MOVED = "moved"
    DECEASED = "deceased"
    PHONE_CONTACT = "phone_contact"
    VIDEO_CONTACT = "video_contact"


class FindingCategory(StrEnum):
    """What a steward found that needs following up (tickets)."""

    HEALTH = "health"
    SAFETY_HAZARD = "safety_hazard"
    LIVING_DIFFICULTY = "living_difficulty"
    SUBSIDY_ELIGIBILITY = "subsidy_eligibility"
    HOME_SERVICE_NEED = "home_service_need"
    ADAPTATION_NEED = "adaptation_need"


class Severity(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"


COMPLETED_OUTCOMES = frozenset({Outcome.VISITED})
"""Outcomes that count as a completed visit for cadence and monthly coverage."""
CONTACT_OUTCOMES = frozenset({Outcome.PHONE_CONTACT, Outcome.VIDEO_CONTACT})
"""A call instead of a visit: recorded and tallied like any outcome, never a visit for a
tier's cadence; toward the monthly rule only when the policy says so (`[contacts]`)."""


def parse_clock(text: str) -> int:
    """'08:30' -> seconds since midnight; raises ValueError with the offending text."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"time of day must look like HH:MM, got {text!r}")
    hours, minutes = int(parts[0]), int(parts[1])
    seconds = int(parts[2]) if len(parts) == 3 else 0
    if not (0 <= hours <= 24 and 0 <= minutes < 60 and 0 <= seconds < 60):
        raise ValueError(f"time of day out of range: {text!r}")
    total = hours * 3600 + minutes * 60 + seconds
    if total > 24 * 3600:
        raise ValueError(f"time of day out of range: {text!r}")
    return total


def format_clock(seconds: int) -> str:
    """Seconds since midnight -> 'HH:MM' (rounded down to the minute)."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


@dataclass(frozen=True)
class TimeWindow:
    """A span of the day, [start, end] in seconds since local midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end <= 24 * 3600:
            raise ValueError(f"time window must satisfy 0 <= start <= end <= 24h: {self}")

    @classmethod
    def parse(cls, start: str, end: str) -> TimeWindow:
        return cls(parse_clock(start), parse_clock(end))

    @property
    def seconds(self) -> int:
        return self.end - self.start

    def intersect(self, other: TimeWindow) -> TimeWindow | None:
        start, end = max(self.start, other.start), min(self.end, other.end)
        return TimeWindow(start, end) if start <= end else None

    def __str__(self) -> str:
        return f"{format_clock(self.start)}-{format_clock(self.end)}"


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lng: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lng <= 180.0):
            raise ValueError(f"coordinates out of range: lat={self.lat}, lng={self.lng}")


@dataclass(frozen=True)
class Stay:
    """Where an elder in hospital is staying (the hospital's name and place), as the steward
    learned it: the month's visit is made there while the elder cannot be met at home."""

    place: str
    location: GeoPoint


@dataclass(frozen=True)
class Community:
    """A residential community (社区) with its place in the street and district hierarchy, or
    a street's relief post (`kind`): planned as any community, counted as none."""

    community_id: str
    name: str
    street_id: str
    street_name: str
    district_id: str
    district_name: str
    location: GeoPoint
    radius_m: int
    kind: CommunityKind = CommunityKind.RESIDENTIAL

    @property
    def residential(self) -> bool:
        """A community with elders of its own: what counts of communities count."""
        return self.kind is CommunityKind.RESIDENTIAL


def residential(communities: Iterable[Community]) -> list[Community]:
    """The residential communities of `communities` (relief posts left out), in order."""
    return [c for c in communities if c.residential]


@dataclass(frozen=True)
class Steward:
    """A community's elder-care steward (养老管家); the route starts and ends at the community."""

    steward_id: str
    community_id: str
    name: str
    shift: TimeWindow
    lunch_break: TimeWindow | None
    mode: TravelMode
    max_visits_per_day: int = 16
    days_off: frozenset[int] = field(default_factory=lambda: frozenset({5, 6}))
    """Weekdays off, Monday = 0 ... Sunday = 6."""
    leave: frozenset[date] = frozenset()
    """Dates the steward is away (planned leave, reported sick days); public holidays are
    kept apart, in the bureau's calendar."""

    def __post_init__(self) -> None:
        if self.max_visits_per_day < 1:
            raise ValueError("max_visits_per_day must be at least 1")
        if (
            self.lunch_break is not None
            and self.shift.intersect(self.lunch_break) != self.lunch_break
        ):
            raise ValueError(f"break {self.lunch_break} must lie inside shift {self.shift}")
        if not self.days_off <= set(range(7)):
            raise ValueError("days_off must be weekday numbers 0..6")

    def works_on(self, day: date) -> bool:
        """A regular working day that is not leave (public holidays are not known here)."""
        return day.weekday() not in self.days_off and day not in self.leave


@dataclass(frozen=True)
class Elder:
    """A special-difficulty elder in a community's care.

    `elder_id` is an opaque registry id, never the national ID number.
    `last_visited_on` is the local date of the last completed visit (None if never).
    """

    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    location: GeoPoint
    categories: frozenset[Category]
    birth_date: date
    window: TimeWindow
    name: str
    """Shown only to the elder's own steward."""
    address: str
    status: ElderStatus = ElderStatus.ACTIVE
    last_visited_on: date | None = None
    urgent_until: date | None = None
    """An urgent finding raises the elder's tier until this date (inclusive)."""
    last_attempt_at: datetime | None = None
    """When the latest failed attempt (not home, refused) since the last completed visit
    was made; the next plan tries another part of the elder's window."""
    benefit_tasks: frozenset[str] = frozenset()
    """Benefit rule ids the daily scan found (see eligibility.py): a task for the elder's
    next visit, and the rules the elder was notified of."""
    care_level: str | None = None
    """The care level graded by a needs assessment ("self", "semi", "disabled"; see
    assessments.py), None if never assessed: then the categories imply it."""
    phone: str = ""
    """The elder's contact phone ("" if none). Like `name`, shown only to the elder's own
    steward and the city admin, never logged (observability.PERSONAL_KEYS)."""
    guardian: str = ""
    """The emergency contact or guardian, name and relation (e.g. 张明 (儿子)); "" if none.
    Same readers as `phone`."""
    guardian_phone: str = ""
    """The guardian's phone ("" if none). Same readers as `phone`."""
    contacted_on: date | None = None
    """The local date of the last phone or video contact (None if never): it covers the
    elder's month when the policy counts contacts, never the tier's cadence."""
    stay: Stay | None = None
    """Where the elder is staying while hospitalised, if the steward learned it (None
    otherwise, and whenever the elder is not hospitalised)."""

    @property
    def staying_at(self) -> Stay | None:
        """Where a visit meets the elder away from home: the stay, while hospitalised."""
        return self.stay if self.status is ElderStatus.HOSPITALISED else None

    @property
    def visit_point(self) -> GeoPoint:
        """Where a visit meets the elder: at the hospital while staying there, else at home."""
        stay = self.staying_at
        return stay.location if stay is not None else self.location

    def month_covered(self, day: date, contacts_count: bool) -> bool:
        """Whether `day`'s calendar month is covered for the monthly rule: the last completed
        visit, or the last contact when the policy counts them (`contacts_count`), falls in
        it. Either one may do, so a look back from an earlier day still sees its visit."""
        covering = [self.last_visited_on, self.contacted_on if contacts_count else None]
        return any(d is not None and (d.year, d.month) == (day.year, day.month) for d in covering)

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return years - 1 if before_birthday else years


@dataclass(frozen=True)
class Finding:
    category: FindingCategory
    severity: Severity
    note: str = ""


class VisitedAt:
    """What a visit's `visited_at` (which carries its offset) gives: its day and month in
    China. A steward's visit record and a worker's visit at a home care bed share it."""

    visited_at: datetime

    @property
    def local_date(self) -> date:
        return china_date(self.visited_at)

    @property
    def month(self) -> str:
        """Calendar month of the visit in local time, 'YYYY-MM'."""
        return self.local_date.strftime("%Y-%m")


@dataclass(frozen=True)
class VisitRecord(VisitedAt):
    """One outcome recorded by a steward; the evidence behind coverage figures.

    Scope fields (community, street, district, tier) are copied from the registry when the
    visit is recorded so that coverage can be recomputed from visit records alone.
    """

    visit_id: str
    elder_id: str
    steward_id: str
    community_id: str
    street_id: str
    district_id: str
    tier: Tier
    outcome: Outcome
    visited_at: datetime
    recorded_at: datetime
    notes: str = ""
    findings: tuple[Finding, ...] = ()
    location: GeoPoint | None = None
    """Where the phone was when the outcome was recorded, if it said."""
    stay: Stay | None = None
    """Where the elder is staying away from home: on a hospitalised outcome, the hospital the
    steward learned of; on a visit, that it was made there (the elder stays hospitalised)."""

    def __post_init__(self) -> None:
        if self.visited_at.tzinfo is None or self.recorded_at.tzinfo is None:
            raise ValueError("visited_at and recorded_at must carry a time zone")

    @property
    def completed(self) -> bool:
        return self.outcome in COMPLETED_OUTCOMES

    def counts_toward_month(self, contacts_count: bool) -> bool:
        """Whether the record covers the elder's month: a completed visit, or a phone or
        video contact when the policy counts them (`contacts_count`)."""
        return self.completed or (contacts_count and self.outcome in CONTACT_OUTCOMES)


@dataclass(frozen=True)
class Registry:
    """A city's registry: what CSV import reads, export writes and the generator builds."""

    communities: tuple[Community, ...]
    stewards: tuple[Steward, ...]
    elders: tuple[Elder, ...]
