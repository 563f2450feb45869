"""The elders of a scope a month missed: not visited in the month (once the month is over),
or past their visit deadline, each with the cause the system knows.

Read from what is stored (the registry's elders and the month's visit records), not from the
simulation's compliance check: that one needs each elder's status history, which the
registry does not keep. So the cause is the best the stored data says: the elder's status
(in hospital, moved, deceased), else the last failed try of the month (not home, refused),
else a phone or video contact that did not count, else never visited, else no try at all.
Ids and dates only: no name, address or phone.

The nightly count keeps each community's misses (`keep_month_misses`): the running month's
judged on the count's day, and on a month's first day the month just over, judged the day
after its end (fixed from then on). A read takes them from there when every community of the
scope has them judged on the day it asks for; any other read (a day inside the month before
the count's, a scope with a community not kept) is computed as above.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from careroute.domain.compliance import month_bounds
from careroute.domain.coverage import Scope
from careroute.domain.errors import ValidationError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import (
    CONTACT_OUTCOMES,
    Elder,
    ElderStatus,
    VisitRecord,
)
from careroute.service_layer.officials import overdue_elder
from careroute.service_layer.ports import ElderRepository, ScopeDirectory, VisitRepository
from careroute.service_layer.ports.misses_view import MissCause, MissesView, MonthMiss

__all__ = [
    "MissCause",
    "MissesReading",
    "MonthMiss",
    "judgement_day",
    "keep_month_misses",
    "misses_in",
    "month_misses",
    "most_overdue_first",
]


@dataclass(frozen=True)
class MissesReading:
    """The ports of the month's misses: the scope's communities, their elders and the
    month's visit records."""

    scopes: ScopeDirectory
    elders: ElderRepository
    visits: VisitRepository
    view: MissesView | None = None
    """The past months' misses kept by the nightly count (None: always computed)."""


def judgement_day(month: str, on: date) -> date:
    """The day `month` is judged on when asked on `on`: `on` inside the month, else the day
    after its end (a deadline on the last day is missed by then). ValidationError for a
    malformed month or one that has not begun."""
    try:
        first, last = month_bounds(month)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if on < first:
        raise ValidationError(f"month {month} has not begun")
    return min(on, last + timedelta(days=1))


def misses_in(
    scope: Scope, month: str, on: date, policy: Policy, ports: MissesReading
) -> list[MonthMiss]:
    """The misses of `month` in `scope`, judged on `on` (the scope already checked): kept
    ones when every community of the scope has them judged on that day, else computed."""
    judged = judgement_day(month, on)
    first, _ = month_bounds(month)
    members = ports.scopes.communities_in(scope)
    if ports.view is not None:
        kept = ports.view.read_misses(month, members)
        if len(kept) == len(members) and all(as_of == judged for as_of, _ in kept.values()):
            return sorted((m for c in members for m in kept[c][1]), key=most_overdue_first)
    # visited_at is stored with its own offset: a day either side, then the local month.
    day = timedelta(days=1)
    records = ports.visits.visits_between(first - day, judged, scope)
    elders = [e for community_id in members for e in ports.elders.elders_of_community(community_id)]
    return month_misses(elders, records, month, on, policy)


def keep_month_misses(
    elders: Iterable[Elder],
    community_ids: Iterable[str],
    month: str,
    on: date,
    policy: Policy,
    visits: VisitRepository,
    view: MissesView,
) -> int:
    """Store each community's misses of `month` as judged on `on` (the day after its end
    once it is over), from one read of the month's visit records (a community without any:
    an empty entry); the communities written."""
    first, _ = month_bounds(month)
    judged = judgement_day(month, on)
    records = visits.visits_between(first - timedelta(days=1), judged, Scope.parse("city"))
    by_community: dict[str, list[MonthMiss]] = {c: [] for c in community_ids}
    for miss in month_misses(elders, records, month, judged, policy):
        by_community.setdefault(miss.community_id, []).append(miss)
    return view.save_misses(month, by_community, judged)


def most_overdue_first(miss: MonthMiss) -> tuple[int, str, str]:
    return (-(miss.days_overdue or 0), miss.community_id, miss.elder_id)


def month_misses(
    elders: Iterable[Elder],
    records: Iterable[VisitRecord],
    month: str,
    on: date,
    policy: Policy,
) -> list[MonthMiss]:
    """The misses of `month` among `elders`, judged on `on` (see module); `records`: the
    visit records of those elders (others and other months are ignored). Most overdue
    first, then by community and elder."""
    judged = judgement_day(month, on)
    last = month_bounds(month)[1]
    month_over = judged > last
    by_elder: dict[str, list[VisitRecord]] = defaultdict(list)
    for record in records:
        if record.month == month and record.local_date <= min(judged, last):
            by_elder[record.elder_id].append(record)
    contacts_count = policy.contacts.count_toward_monthly
    found: list[MonthMiss] = []
    for elder in elders:
        tries = sorted(by_elder.get(elder.elder_id, ()), key=lambda r: r.visited_at)
        covered = any(r.counts_toward_month(contacts_count) for r in tries)
        monthly_missed = month_over and not covered and policy.monthly_visit_required
        miss = _miss(elder, tries, judged, policy, monthly_missed)
        if miss.monthly_missed or miss.overdue:
            found.append(miss)
    found.sort(key=most_overdue_first)
    return found


def _miss(
    elder: Elder,
    tries: Sequence[VisitRecord],
    judged: date,
    policy: Policy,
    monthly_missed: bool,
) -> MonthMiss:
    known, last_visit = _last_visit_before(elder, tries, judged)
    late = None
    if known:
        as_then = replace(
            elder, last_visited_on=last_visit, contacted_on=_last_call_before(elder, tries, judged)
        )
        late = overdue_elder(as_then, judged, policy)
    failed = [r for r in tries if not r.completed and r.outcome not in CONTACT_OUTCOMES]
    return MonthMiss(
        elder_id=elder.elder_id,
        community_id=elder.community_id,
        street_id=elder.street_id,
        tier=policy.tier_of(elder, judged - timedelta(days=1)),
        status=elder.status,
        monthly_missed=monthly_missed,
        overdue=(late is not None) if known else None,
        last_visited_on=last_visit,
        deadline=late.deadline if late else None,
        days_overdue=late.days_overdue if late else None,
        failed_tries=len(failed),
        last_try_on=failed[-1].local_date if failed else None,
        cause=_cause(elder, tries, failed, known and last_visit is None),
    )


def _last_visit_before(
    elder: Elder, tries: Sequence[VisitRecord], judged: date
) -> tuple[bool, date | None]:
    """Whether the last completed visit before `judged` is known, and that visit (None:
    never). Not known when the stored one is later and none of the month's came before."""
    if elder.last_visited_on is None or elder.last_visited_on < judged:
        return True, elder.last_visited_on
    done = [r.local_date for r in tries if r.completed]
    return (True, max(done)) if done else (False, None)


def _last_call_before(elder: Elder, tries: Sequence[VisitRecord], judged: date) -> date | None:
    """The last phone or video contact before `judged`: the stored one when it is, else the
    month's latest (None: none known)."""
    if elder.contacted_on is not None and elder.contacted_on < judged:
        return elder.contacted_on
    calls = [r.local_date for r in tries if r.outcome in CONTACT_OUTCOMES]
    return max(calls, default=None)


def _cause(
    elder: Elder,
    tries: Sequence[VisitRecord],
    failed: Sequence[VisitRecord],
    never_visited: bool,
) -> MissCause:
    if elder.status is not ElderStatus.ACTIVE:
        return MissCause(elder.status.value)
    if failed:
        return MissCause(failed[-1].outcome.value)  # not home, refused, or a status outcome
    if any(r.outcome in CONTACT_OUTCOMES for r in tries):
        return MissCause.CONTACT_ONLY
    if never_visited:
        return MissCause.NEVER_VISITED
    return MissCause.NOT_TRIED
