"""Monthly coverage and cadence compliance, recomputed from raw visit records alone.

The independent check of a month: it reads nothing the projector wrote (no counters, no
`last_visited_on` moved by the stream), only the visit records and each elder's *baseline*
(where the elder lives, the tier at the start of the month, the last completed visit before
it, and the periods in which the elder was not active). Pure: no AWS.

Rules (the tier policy's, stated once here):
- **Monthly rule**: the month's roster is taken at its end: an elder active on any day of
  the month is due, unless it left care (died, moved away) before any completed visit of the
  month; one completed visit in the month covers it. An elder counts in the tier of its
  first completed visit of the month, or in its baseline tier when not visited. An elder
  away all month, or gone before its visit, is not due, but is listed as a miss marked
  `away` (so a report names it, e.g. hospitalised all month, deceased).
- **Cadence**: after a completed visit, the next one is due within the cadence of the
  stricter tier of the two consecutive visits (T1 if the first had an urgent finding); when a
  recorded registry change made the tier stricter in between (`ElderBaseline.raised`), the
  stricter cadence counts from that day (or the old one's from the visit, if sooner).
  Days on which the elder was not active (hospitalised, moved, deceased) do not count
  towards the gap: a paused period stops the clock.
- A deadline is judged only when it falls inside the month and on or before `through`
  (a partly simulated month judges what is already decided).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from careroute.domain.coverage import ALL_TIERS, Scope, scopes_of
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import ElderStatus, Severity, Tier, VisitRecord

TIER_RANK = {Tier.T1: 1, Tier.T2: 2, Tier.T3: 3}
LEFT_CARE = (ElderStatus.DECEASED, ElderStatus.MOVED)
"""Statuses that take an elder off the roster for good."""


def stricter(a: Tier, b: Tier) -> Tier:
    """The tier with the shorter cadence (T1 before T2 before T3)."""
    return a if TIER_RANK[a] <= TIER_RANK[b] else b


def month_bounds(month: str) -> tuple[date, date]:
    """'2026-12' -> (2026-12-01, 2026-12-31); ValueError for anything else."""
    year_text, _, month_text = month.partition("-")
    if len(year_text) != 4 or len(month_text) != 2 or not (year_text + month_text).isdigit():
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    try:
        first = date(int(year_text), int(month_text), 1)
    except ValueError as exc:
        raise ValueError(f"month must be YYYY-MM, got {month!r}") from exc
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class StatusPeriod:
    """Days on which the elder was not active, [start, end] inclusive; end None: still."""

    status: ElderStatus
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.status is ElderStatus.ACTIVE:
            raise ValueError("a status period records an absence: not 'active'")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"status period ends before it starts: {self}")

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ElderBaseline:
    """What the check needs to know about an elder besides its visit records."""

    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    tier: Tier
    """Tier at the start of the month."""
    last_visited_on: date | None
    """Last completed visit before the month (None: never)."""
    paused: tuple[StatusPeriod, ...] = ()
    raised: tuple[tuple[date, Tier], ...] = ()
    """Days on which a registry change (an assessment's grade, new categories) made the
    elder's tier stricter, with the new tier, oldest first: the stricter cadence runs from
    that day, not from the visit before it."""

    def raise_between(self, after: date, through: date) -> tuple[date, Tier] | None:
        """The latest recorded raise in (after, through], or None."""
        found = [r for r in self.raised if after < r[0] <= through]
        return found[-1] if found else None

    def status_on(self, day: date) -> ElderStatus:
        for period in self.paused:
            if period.covers(day):
                return period.status
        return ElderStatus.ACTIVE

    def active_on(self, day: date) -> bool:
        return not any(period.covers(day) for period in self.paused)

    @property
    def scopes(self) -> tuple[Scope, ...]:
        return scopes_of(self.community_id, self.street_id, self.district_id)


class MissKind(StrEnum):
    MONTHLY = "monthly"
    CADENCE = "cadence"


@dataclass(frozen=True)
class Miss:
    elder_id: str
    community_id: str
    tier: Tier
    """Monthly: the elder's tier for the month. Cadence: the tier whose cadence applied."""
    kind: MissKind
    deadline: date
    since: date | None
    """The completed visit the cadence ran from (None for a monthly miss or no visit ever)."""
    visited_on: date | None = None
    """The late visit that ended the gap, if any."""
    away: bool = False
    """Monthly: the elder was not active on any day of the month, or left care before a
    visit, so not due (and not in the coverage figures); listed all the same, so that a
    report names every elder who was not visited."""
    left_care: bool = False
    """Monthly: not due because it died or moved away before any visit of the month (the
    rest of `away` were not active on any day of it)."""


@dataclass
class CoverageRow:
    """Month x scope x tier: elders due and visited (one count each) and visits made."""

    elders_due: int = 0
    elders_visited: int = 0
    visits_made: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.elders_visited / self.elders_due, 2) if self.elders_due else None


@dataclass(frozen=True)
class Compliance:
    month: str
    through: date
    coverage: dict[tuple[Scope, str], CoverageRow]
    misses: tuple[Miss, ...]
    visits: int
    """Visit records of the month that were counted."""
    unknown_elders: tuple[str, ...]
    """Elders with visit records but no baseline (counted as visited, never as due)."""

    def row(self, scope: Scope, tier: str = ALL_TIERS) -> CoverageRow:
        return self.coverage.get((scope, tier), CoverageRow())


@dataclass(frozen=True)
class _Completed:
    day: date
    tier: Tier
    urgent: bool


def _completed_days(records: list[VisitRecord]) -> list[_Completed]:
    """One entry per local day with a completed visit: strictest tier, any urgent finding."""
    by_day: dict[date, _Completed] = {}
    for record in records:
        if not record.completed:
            continue
        urgent = any(f.severity is Severity.URGENT for f in record.findings)
        seen = by_day.get(record.local_date)
        if seen is not None:
            urgent = urgent or seen.urgent
            tier = stricter(seen.tier, record.tier)
        else:
            tier = record.tier
        by_day[record.local_date] = _Completed(record.local_date, tier, urgent)
    return [by_day[day] for day in sorted(by_day)]


def cadence_deadline(
    baseline: ElderBaseline, since: date, cadence_days: int, horizon: date
) -> date | None:
    """The day on which `cadence_days` active days have passed since `since`; None when
    that is after `horizon` (paused days do not count)."""
    day, counted = since, 0
    while counted < cadence_days:
        day += timedelta(days=1)
        if day > horizon:
            return None
        if baseline.active_on(day):
            counted += 1
    return day


def _cadence_misses(
    baseline: ElderBaseline,
    completed: list[_Completed],
    first: date,
    through: date,
    policy: Policy,
) -> list[Miss]:
    misses: list[Miss] = []
    earlier = [c for c in completed if c.day < first]
    anchor: _Completed | None = earlier[-1] if earlier else None
    last = baseline.last_visited_on
    if last is not None and (anchor is None or last > anchor.day):
        anchor = _Completed(last, baseline.tier, urgent=False)
    if anchor is None:
        # Never visited: the clock starts the day before the month.
        anchor = _Completed(first - timedelta(days=1), baseline.tier, urgent=False)
    in_month = [c for c in completed if first <= c.day <= through]
    for following in [*in_month, None]:
        own = Tier.T1 if anchor.urgent else anchor.tier
        tier = own if following is None else stricter(own, following.tier)
        raised = baseline.raise_between(anchor.day, following.day if following else through)
        if raised is not None:
            tier = stricter(tier, raised[1])
        cadence = policy.tiers[tier].cadence_days
        if cadence is not None:
            deadline = cadence_deadline(baseline, anchor.day, cadence, through)
            if raised is not None and raised[1] is tier and tier is not own:
                deadline = _raised_deadline(baseline, anchor.day, own, raised, through, policy)
            late = deadline is not None and (following is None or following.day > deadline)
            if late and deadline is not None and deadline >= first:
                misses.append(
                    Miss(
                        elder_id=baseline.elder_id,
                        community_id=baseline.community_id,
                        tier=tier,
                        kind=MissKind.CADENCE,
                        deadline=deadline,
                        since=anchor.day,
                        visited_on=following.day if following else None,
                    )
                )
        if following is not None:
            anchor = following
    return misses


def _raised_deadline(
    baseline: ElderBaseline,
    since: date,
    own: Tier,
    raised: tuple[date, Tier],
    through: date,
    policy: Policy,
) -> date | None:
    """A gap in which the tier became stricter: due by the old tier's cadence from the
    visit, or the new tier's from the day it was raised, whichever comes first."""
    own_cadence = policy.tiers[own].cadence_days
    new_cadence = policy.tiers[raised[1]].cadence_days
    candidates = [
        cadence_deadline(baseline, start, days, through)
        for start, days in ((since, own_cadence), (raised[0], new_cadence))
        if days is not None
    ]
    due = [d for d in candidates if d is not None]
    return min(due) if due else None


def check_compliance(
    visits: Iterable[VisitRecord],
    baselines: Iterable[ElderBaseline],
    month: str,
    policy: Policy,
    through: date | None = None,
) -> Compliance:
    """Coverage per scope x tier and every missed deadline of `month`, up to `through`.

    `visits` may hold other months too (earlier completed visits anchor the cadence);
    only the month's records are counted. `through` defaults to the month's last day; the
    monthly rule is judged only when `through` reaches it.
    """
    first, last = month_bounds(month)
    through = last if through is None else min(through, last)
    if through < first:
        raise ValueError(f"through {through} is before the month {month}")
    by_elder: dict[str, list[VisitRecord]] = defaultdict(list)
    for record in visits:
        if record.local_date <= through:
            by_elder[record.elder_id].append(record)
    known = {b.elder_id: b for b in baselines}
    coverage: dict[tuple[Scope, str], CoverageRow] = defaultdict(CoverageRow)
    misses: list[Miss] = []
    counted = 0
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]

    for elder_id in sorted(set(known) | set(by_elder)):
        records = sorted(by_elder.get(elder_id, ()), key=lambda r: r.visited_at)
        this_month = [r for r in records if r.month == month]
        counted += len(this_month)
        for record in this_month:
            scopes = scopes_of(record.community_id, record.street_id, record.district_id)
            for scope in scopes:
                for tier in (record.tier.value, ALL_TIERS):
                    row = coverage[(scope, tier)]
                    row.visits_made += 1
                    name = record.outcome.value
                    row.outcomes[name] = row.outcomes.get(name, 0) + 1
        contacts = policy.contacts.count_toward_monthly
        first_completed = next((r for r in this_month if r.counts_toward_month(contacts)), None)
        baseline = known.get(elder_id)
        if baseline is None:
            if first_completed is not None:
                for scope in scopes_of(
                    first_completed.community_id,
                    first_completed.street_id,
                    first_completed.district_id,
                ):
                    for tier in (first_completed.tier.value, ALL_TIERS):
                        coverage[(scope, tier)].elders_visited += 1
            continue
        in_care = any(baseline.active_on(day) for day in days)
        gone = baseline.status_on(last) in LEFT_CARE
        left_unvisited = in_care and first_completed is None and gone
        due = in_care and not left_unvisited
        month_tier = first_completed.tier if first_completed else baseline.tier
        for scope in baseline.scopes:
            for tier in (month_tier.value, ALL_TIERS):
                row = coverage[(scope, tier)]
                row.elders_due += int(due)
                row.elders_visited += int(first_completed is not None)
        if first_completed is None and through == last and policy.monthly_visit_required:
            misses.append(
                Miss(
                    baseline.elder_id,
                    baseline.community_id,
                    month_tier,
                    MissKind.MONTHLY,
                    deadline=last,
                    since=None,
                    away=not due,
                    left_care=left_unvisited,
                )
            )
        misses.extend(_cadence_misses(baseline, _completed_days(records), first, through, policy))

    unknown = tuple(sorted(set(by_elder) - set(known)))
    return Compliance(
        month=month,
        through=through,
        coverage=dict(coverage),
        misses=tuple(sorted(misses, key=lambda m: (m.deadline, m.elder_id, m.kind.value))),
        visits=counted,
        unknown_elders=unknown,
    )
