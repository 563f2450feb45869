"""A home care bed's regular service visits: when the next one is due, which beds wait for a
retry, what a visit record holds, and the month's coverage (the horizon that gives each
visit its day is `planning.bed_horizon`).

Pure: no AWS. The rule (policy `[home_care_beds]`): an accepted bed is served at most
`cadence_days` after its last service (or its acceptance) and at least once in every calendar
month it was in service for from the month's first day. The month's coverage is recomputed
from the beds and the visit records alone, as the elders' coverage is from visit records:
a bed due in the month and never served in it is a miss, like an unvisited elder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from careroute.domain.beds import BedPolicy, HomeCareBed
from careroute.domain.compliance import month_bounds
from careroute.domain.stable_ids import stable_id
from careroute.domain.vocabulary import VisitedAt


class BedVisitOutcome(StrEnum):
    SERVED = "served"
    NOT_HOME = "not_home"
    """Nobody opened: the visit is due again (the next plan offers it)."""


@dataclass(frozen=True)
class BedVisit(VisitedAt):
    """One service visit a provider's worker recorded at a bed."""

    visit_id: str
    bed_id: str
    elder_id: str
    provider_id: str
    worker_id: str
    community_id: str
    street_id: str
    district_id: str
    visited_at: datetime
    outcome: BedVisitOutcome
    minutes: int
    """Service minutes delivered (0 unless served)."""
    recorded_at: datetime
    note: str = ""

    def __post_init__(self) -> None:
        if self.visited_at.tzinfo is None or self.recorded_at.tzinfo is None:
            raise ValueError("visited_at: must carry a UTC offset")
        if self.outcome is BedVisitOutcome.SERVED and not 1 <= self.minutes <= 480:
            raise ValueError("minutes: a served visit takes 1..480 minutes")
        if self.outcome is not BedVisitOutcome.SERVED and self.minutes != 0:
            raise ValueError("minutes: only a served visit delivers service minutes")


def bed_visit_id(worker_id: str, idempotency_key: str) -> str:
    """The id of the visit a worker records under a key: a retry names the same visit."""
    return stable_id("bv-", f"bed-visit\n{worker_id}\n{idempotency_key}")


def last_served(visits: Iterable[BedVisit], before: date) -> dict[str, date]:
    """Each bed's latest served day before `before`."""
    latest: dict[str, date] = {}
    for visit in visits:
        on = visit.local_date
        if visit.outcome is BedVisitOutcome.SERVED and on < before:
            latest[visit.bed_id] = max(on, latest.get(visit.bed_id, on))
    return latest


def awaiting_retry(visits: Iterable[BedVisit], before: date) -> set[str]:
    """The beds whose latest visit before `before` found nobody home (a try to make again)."""
    latest: dict[str, BedVisit] = {}
    for visit in visits:
        if visit.local_date >= before:
            continue
        seen = latest.get(visit.bed_id)
        if seen is None or visit.visited_at > seen.visited_at:
            latest[visit.bed_id] = visit
    return {b for b, v in latest.items() if v.outcome is BedVisitOutcome.NOT_HOME}


def due_date(bed: HomeCareBed, served: date | None, on: date, policy: BedPolicy) -> date | None:
    """The day the bed's next visit is due, seen on `on` (None: not in service). The cadence
    runs from the last service or the acceptance; in a month the bed was in service for from
    its first day and not yet served in, the month's last day comes first if sooner."""
    if not bed.in_service_on(on) or bed.accepted_on is None:
        return None
    by_cadence = (served or bed.accepted_on) + timedelta(days=policy.cadence_days)
    first, last = month_bounds(f"{on:%Y-%m}")
    judged = bed.accepted_on < first
    if judged and (served is None or served < first):
        return min(by_cadence, last)
    return by_cadence


@dataclass(frozen=True)
class BedCandidate:
    """A bed offered to the provider's router for a day (`planning.bed_horizon`): mandatory
    (penalty None) or not."""

    bed: HomeCareBed
    due: date
    penalty: int | None


@dataclass(frozen=True)
class BedMiss:
    bed_id: str
    elder_id: str
    provider_id: str
    district_id: str
    rule: str
    """'monthly' (no service in the month) or 'cadence' (a gap longer than the cadence)."""
    detail: str


@dataclass(frozen=True)
class BedCoverage:
    """A month's bed service, recomputed from the beds and their visit records."""

    month: str
    beds_in_service: int
    """Beds in service at some point of the month."""
    beds_due: int
    """Beds judged by the monthly rule: in service from the month's first day to its last."""
    beds_served: int
    """Of those, beds with a served visit in the month."""
    visits_served: int
    visits_not_home: int
    service_minutes: int
    misses: tuple[BedMiss, ...]
    judged_through: date
    """The last day judged: the month's last, or the day it was read on (a month under way)."""

    @property
    def month_over(self) -> bool:
        return self.judged_through == month_bounds(self.month)[1]

    @property
    def pending(self) -> int:
        """Beds due and not served yet in a month under way (0 once it is over)."""
        return 0 if self.month_over else self.beds_due - self.beds_served

    @property
    def percent(self) -> float:
        return round(100.0 * self.beds_served / self.beds_due, 2) if self.beds_due else 100.0

    @property
    def cadence_misses(self) -> int:
        return sum(1 for m in self.misses if m.rule == "cadence")


def month_coverage(
    month: str,
    beds: Iterable[HomeCareBed],
    visits: Iterable[BedVisit],
    policy: BedPolicy,
    as_of: date | None = None,
) -> BedCoverage:
    """Every bed's month, its rules judged through `as_of` (default: the month's end): the
    monthly rule for beds in service all month, judged once the month is over (before, an
    unserved bed is pending, not a miss), and cadence gaps (from the last service before the
    month, or the acceptance) whose deadline passed in the month by `as_of`. Every visit
    recorded in the month counts."""
    first, last = month_bounds(month)
    through = last if as_of is None else max(first - timedelta(days=1), min(last, as_of))
    served_days: dict[str, list[date]] = {}
    counted = {"served": 0, "not_home": 0, "minutes": 0}
    for visit in visits:
        if visit.outcome is BedVisitOutcome.SERVED:
            served_days.setdefault(visit.bed_id, []).append(visit.local_date)
        if first <= visit.local_date <= last:
            counted["served" if visit.outcome is BedVisitOutcome.SERVED else "not_home"] += 1
            counted["minutes"] += visit.minutes
    in_service = due = served = 0
    misses: list[BedMiss] = []
    for bed in beds:
        if bed.accepted_on is None or bed.accepted_on > last:
            continue
        if bed.closed_on is not None and bed.closed_on <= first:
            continue
        in_service += 1
        days = sorted(served_days.get(bed.bed_id, []))
        this_month = [d for d in days if first <= d <= last]
        if bed.accepted_on < first and bed.in_service_on(last):
            due += 1
            if this_month:
                served += 1
            elif through == last:
                misses.append(_miss(bed, "monthly", f"no service in {month}"))
        misses += _cadence_gaps(bed, days, first, through, policy)
    return BedCoverage(
        month,
        in_service,
        due,
        served,
        counted["served"],
        counted["not_home"],
        counted["minutes"],
        tuple(misses),
        through,
    )


def _cadence_gaps(
    bed: HomeCareBed, days: list[date], first: date, last: date, policy: BedPolicy
) -> list[BedMiss]:
    """Gaps longer than the cadence whose deadline fell in the month (each once)."""
    assert bed.accepted_on is not None
    end = min(last, bed.closed_on - timedelta(days=1)) if bed.closed_on else last
    gaps = []
    previous = bed.accepted_on
    for day in [*days, None]:
        deadline = previous + timedelta(days=policy.cadence_days)
        reached = day if day is not None else end + timedelta(days=1)
        if first <= deadline <= end and reached > deadline:
            detail = f"due {deadline}, next service {day or 'none by ' + str(end)}"
            gaps.append(_miss(bed, "cadence", detail))
        if day is None or day > end:
            break
        previous = max(previous, day)
    return gaps


def _miss(bed: HomeCareBed, rule: str, detail: str) -> BedMiss:
    return BedMiss(bed.bed_id, bed.elder_id, bed.provider_id, bed.district_id, rule, detail)
