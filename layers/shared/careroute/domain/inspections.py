"""Inspections: what district inspectors check, when it is due, what they record.

Three kinds of target: care institutions (beds, occupancy, and a star rating that follows
from their latest result, institution_ratings.py) inspected on a cadence, home care beds
(家庭养老床位, with their smart devices) on a longer cadence, and home adaptation jobs
(适老化改造) checked once for acceptance within a number of days of completion (a failed
acceptance is re-checked at its last rectification deadline).

Pure: no AWS. A result scores each checklist item of its kind and lists rectification
items, each with a deadline; those become follow-up tickets (`rectification_tickets`) whose
ids derive from the result id, so a repeated post opens none.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from careroute.domain.institution_ratings import (
    INSTITUTION_ITEMS,
    NOT_RATED,
    RatingRubric,
    parse_rating,
)
from careroute.domain.policy_tables import check_ranges, setting, settings_table
from careroute.domain.scope_ids import scope_ids
from careroute.domain.stable_ids import stable_id
from careroute.domain.tickets import Level, Ticket, TicketSource, ticket_id
from careroute.domain.vocabulary import (
    CHINA_TZ,
    FindingCategory,
    GeoPoint,
    Severity,
    TimeWindow,
    china_date,
)


class TargetKind(StrEnum):
    INSTITUTION = "institution"
    HOME_CARE_BED = "home_care_bed"
    ADAPTATION = "adaptation"


INSTITUTION_SKILL = "institution"
"""Only inspectors qualified for care institutions may inspect one."""

CHECKLIST: dict[TargetKind, tuple[str, ...]] = {
    TargetKind.INSTITUTION: INSTITUTION_ITEMS,
    TargetKind.HOME_CARE_BED: ("devices_online", "emergency_response", "bed_safety", "care_plan"),
    TargetKind.ADAPTATION: ("grab_bars", "anti_slip", "lighting", "accessibility", "workmanship"),
}
"""The items a result of each kind scores, each 0..MAX_SCORE."""

MAX_SCORE = 5
PASS_SHARE = 0.6
"""A result passes with no rectification item and at least this share of the full score."""
MAX_RECTIFICATION_DAYS = 90
MAX_BEDS = 10_000


@dataclass(frozen=True)
class ItemScore:
    item: str
    score: int


@dataclass(frozen=True)
class InspectionPolicy:
    """Cadences and routing parameters (policy `[inspections]`)."""

    institution_days: int = setting(90, 1, 730)
    home_care_bed_days: int = setting(180, 1, 730)
    adaptation_acceptance_days: int = setting(30, 1, 730)
    lookahead_days: int = setting(14, 0, 60)
    """Targets due within this many days are optional stops (penalty growing to the due
    date); a target due before the next working day is mandatory."""
    institution_minutes: int = setting(120, 1, 730)
    home_care_bed_minutes: int = setting(40, 1, 730)
    adaptation_minutes: int = setting(45, 1, 730)
    speed_kmh: float = setting(25.0, above=0, high=120)
    """Inspectors drive: haversine x the policy's circuity at this speed."""
    base_penalty: int = setting(600, 0, 1_000_000)
    """Penalty (travel seconds) for dropping an optional target `lookahead_days` away; it
    grows linearly to `lookahead_days + 1` times this on the last optional day. Small far
    from the due date, so an early inspection is taken only on a short detour."""
    rating: RatingRubric = field(default_factory=RatingRubric)
    """How an institution's stars follow from its latest result (`[inspections.rating]`)."""

    def __post_init__(self) -> None:
        check_ranges(self)

    def service_seconds(self, kind: TargetKind) -> int:
        return (
            60
            * {
                TargetKind.INSTITUTION: self.institution_minutes,
                TargetKind.HOME_CARE_BED: self.home_care_bed_minutes,
                TargetKind.ADAPTATION: self.adaptation_minutes,
            }[kind]
        )


def parse_inspection_policy(table: Any, where: str) -> InspectionPolicy:
    """The optional `[inspections]` table; ValueError naming the key at fault."""
    return settings_table(InspectionPolicy(), table, where, {"rating": parse_rating})


@dataclass(frozen=True)
class InspectionTarget:
    """Something a district inspector checks. `due_date` None: nothing more is due (an
    accepted adaptation job)."""

    target_id: str
    kind: TargetKind
    district_id: str
    street_id: str
    community_id: str
    """The nearest community: rectification tickets are listed under it."""
    location: GeoPoint
    window: TimeWindow
    """When the place can be inspected."""
    due_date: date | None
    last_inspected: date | None = None
    available_from: date | None = None
    """No inspection before this date (an adaptation job's completion)."""
    name: str = ""
    """An institution's name; empty for home care beds and adaptation jobs (private homes)."""
    beds: int = 0
    occupied_beds: int = 0
    """An institution's beds and those taken, as its latest inspection counted them (or as
    imported, before one)."""
    devices: tuple[str, ...] = ()
    """Smart devices of a home care bed (e.g. fall_sensor, emergency_button)."""
    last_scores: tuple[ItemScore, ...] = ()
    """The checklist scores of the latest inspection, by item name (empty: never inspected)."""
    last_rectifications: int = 0
    """How many items the latest inspection left to put right."""

    def __post_init__(self) -> None:
        if not 0 <= self.occupied_beds <= self.beds:
            raise ValueError(f"target {self.target_id}: occupied beds must be 0..beds")
        if self.last_scores and result_problems(self.kind, self.last_scores, (), date.min):
            raise ValueError(f"target {self.target_id}: last scores must fill its checklist")

    @property
    def occupancy(self) -> float:
        return self.occupied_beds / self.beds if self.beds else 0.0

    def stars(self, rubric: RatingRubric) -> int:
        """An institution's star rating from its latest scores (0: not rated, or not an
        institution)."""
        if self.kind is not TargetKind.INSTITUTION:
            return NOT_RATED
        scores = {s.item: s.score for s in self.last_scores}
        return rubric.stars(scores, self.last_rectifications)

    @property
    def skills(self) -> frozenset[str]:
        return (
            frozenset({INSTITUTION_SKILL}) if self.kind is TargetKind.INSTITUTION else frozenset()
        )


@dataclass(frozen=True)
class Inspector:
    inspector_id: str
    district_id: str
    base: GeoPoint
    """The district office: routes start and end here."""
    shift: TimeWindow
    lunch_break: TimeWindow | None
    skills: frozenset[str] = frozenset()
    days_off: frozenset[int] = frozenset({5, 6})
    """Weekdays off (Monday = 0)."""

    def works_on(self, day: date) -> bool:
        return day.weekday() not in self.days_off


class DueState(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    UPCOMING = "upcoming"
    NOT_DUE = "not_due"
    CLOSED = "closed"


def due_state(target: InspectionTarget, on: date, policy: InspectionPolicy) -> DueState:
    if target.due_date is None:
        return DueState.CLOSED
    if target.due_date < on:
        return DueState.OVERDUE
    if target.due_date == on:
        return DueState.DUE
    if (target.due_date - on).days <= policy.lookahead_days:
        return DueState.UPCOMING
    return DueState.NOT_DUE


@dataclass(frozen=True)
class Candidate:
    """A target offered to the router for a day: mandatory (penalty None) or optional."""

    target: InspectionTarget
    penalty: int | None


def candidates(
    targets: list[InspectionTarget], on: date, next_working_day: date, policy: InspectionPolicy
) -> list[Candidate]:
    """The targets to route on `on`: those due before `next_working_day` are mandatory (no
    later working day is in time), those due within `lookahead_days` are optional with a
    penalty growing as the due date nears; targets not yet available are left out."""
    chosen = []
    for target in targets:
        due = target.due_date
        if due is None or (target.available_from and target.available_from > on):
            continue
        if due < next_working_day:
            chosen.append(Candidate(target, None))
            continue
        days_left = (due - on).days
        if days_left <= policy.lookahead_days:
            urgency = policy.lookahead_days + 1 - days_left
            chosen.append(Candidate(target, policy.base_penalty * max(urgency, 1)))
    chosen.sort(key=lambda c: (c.penalty is not None, c.target.due_date, c.target.target_id))
    return chosen


@dataclass(frozen=True)
class Rectification:
    """Something the inspected party must put right by `deadline`."""

    item: str
    deadline: date
    category: FindingCategory = FindingCategory.SAFETY_HAZARD
    severity: Severity = Severity.NORMAL
    note: str = ""


@dataclass(frozen=True)
class InspectionResult:
    result_id: str
    target_id: str
    kind: TargetKind
    inspector_id: str
    district_id: str
    inspected_at: datetime
    scores: tuple[ItemScore, ...]
    rectifications: tuple[Rectification, ...] = field(default_factory=tuple)
    due_date: date | None = None
    """The due date this inspection met (or missed, if later)."""
    beds: int | None = None
    occupied_beds: int | None = None
    """An institution's beds and occupied beds as counted (None: not counted this time)."""

    def __post_init__(self) -> None:
        problems = result_problems(self.kind, self.scores, self.rectifications, self.inspected_on)
        if self.inspected_at.tzinfo is None:
            problems.insert(0, "inspected_at: must carry a UTC offset")
        problems += self._bed_problems()
        if problems:
            raise ValueError("; ".join(problems))

    def _bed_problems(self) -> list[str]:
        if self.beds is None and self.occupied_beds is None:
            return []
        if self.kind is not TargetKind.INSTITUTION:
            return ["beds, occupied_beds: counted for care institutions only"]
        if self.beds is None or self.occupied_beds is None:
            return ["beds, occupied_beds: give both or neither"]
        if not 0 <= self.occupied_beds <= self.beds <= MAX_BEDS:
            return [f"occupied_beds: must be 0..beds, and beds 0..{MAX_BEDS}"]
        return []

    @property
    def inspected_on(self) -> date:
        return china_date(self.inspected_at)

    @property
    def score_share(self) -> float:
        return sum(s.score for s in self.scores) / (MAX_SCORE * len(self.scores))

    @property
    def passed(self) -> bool:
        return not self.rectifications and self.score_share >= PASS_SHARE

    @property
    def on_time(self) -> bool:
        return self.due_date is None or self.inspected_on <= self.due_date


def result_problems(
    kind: TargetKind,
    scores: tuple[ItemScore, ...],
    rectifications: tuple[Rectification, ...],
    inspected_on: date,
) -> list[str]:
    """Every way a result breaks the checklist of its kind, each naming the field."""
    problems = []
    items = CHECKLIST[kind]
    named = [s.item for s in scores]
    missing = [i for i in items if i not in named]
    if missing or len(named) != len(set(named)) or set(named) - set(items):
        problems.append(f"scores: need each of {', '.join(items)} exactly once")
    for s in scores:
        if not 0 <= s.score <= MAX_SCORE:
            problems.append(f"scores.{s.item}: must be 0..{MAX_SCORE}")
    latest = inspected_on + timedelta(days=MAX_RECTIFICATION_DAYS)
    for i, r in enumerate(rectifications):
        if r.item not in items:
            problems.append(f"rectifications[{i}].item: not a checklist item of a {kind.value}")
        if not inspected_on < r.deadline <= latest:
            problems.append(
                f"rectifications[{i}].deadline: must be after the inspection day and within "
                f"{MAX_RECTIFICATION_DAYS} days"
            )
    return problems


def result_id(inspector_id: str, idempotency_key: str) -> str:
    """The id of the result an inspector posts under a key: a retry names the same result."""
    return stable_id("ir-", f"{inspector_id}#{idempotency_key}")


def next_due(
    target: InspectionTarget, result: InspectionResult, policy: InspectionPolicy
) -> date | None:
    """The due date after `result`: cadence from the inspection day for institutions and
    home care beds; an adaptation job is done once accepted, else re-checked at its last
    rectification deadline."""
    on = result.inspected_on
    if target.kind is TargetKind.INSTITUTION:
        return on + timedelta(days=policy.institution_days)
    if target.kind is TargetKind.HOME_CARE_BED:
        return on + timedelta(days=policy.home_care_bed_days)
    if result.passed:
        return None
    deadlines = [r.deadline for r in result.rectifications]
    return max(deadlines) if deadlines else on + timedelta(days=policy.adaptation_acceptance_days)


def after_result(
    target: InspectionTarget, result: InspectionResult, policy: InspectionPolicy
) -> InspectionTarget:
    """The target as `result` leaves it: its next due date, the day and scores of its latest
    inspection (an institution's rating follows from them) and the beds counted, if any."""
    beds, occupied = target.beds, target.occupied_beds
    if result.beds is not None and result.occupied_beds is not None:
        beds, occupied = result.beds, result.occupied_beds
    return replace(
        target,
        due_date=next_due(target, result, policy),
        last_inspected=result.inspected_on,
        last_scores=result.scores,
        last_rectifications=len(result.rectifications),
        beds=beds,
        occupied_beds=occupied,
    )


def rectification_tickets(target: InspectionTarget, result: InspectionResult) -> list[Ticket]:
    """One ticket per rectification item, due at the end of its deadline day (China time),
    opened at the street level (the inspected party is not a steward's to chase)."""
    tickets = []
    for index, item in enumerate(result.rectifications):
        due_at = datetime.combine(item.deadline, time(23, 59, 59), CHINA_TZ)
        note = f"inspection {target.target_id} ({target.kind.value}): {item.item}"
        tickets.append(
            Ticket(
                ticket_id=ticket_id(result.result_id, index),
                visit_id=result.result_id,
                elder_id="",
                **scope_ids(target),
                category=item.category,
                severity=item.severity,
                opened_at=result.inspected_at,
                due_at=due_at,
                level=Level.STREET,
                note=f"{note}; {item.note}" if item.note else note,
                source=TicketSource.INSPECTION,
            )
        )
    return tickets


@dataclass(frozen=True)
class InspectionWorld:
    targets: tuple[InspectionTarget, ...]
    inspectors: tuple[Inspector, ...]

    def count(self, kind: TargetKind) -> int:
        return sum(1 for t in self.targets if t.kind is kind)
