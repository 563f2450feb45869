"""What officials see: overdue elders of a scope (ids, tiers and dates; no names).

A scope's list comes from the overdue view (`overdue_view.py`: each community's late and
soon-due elders, kept by the nightly count and the projector) where the view answers for
the day asked, and from every elder of the community where it does not (no view yet, or a
day outside the view's horizon): the same entries either way."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.due import rule_deadline
from careroute.domain.errors import ValidationError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, ElderStatus
from careroute.messages.api import OverdueElder, OverdueList
from careroute.service_layer.ports import ElderRepository, ScopeDirectory
from careroute.service_layer.ports.overdue import CommunityWatch, DueEntry, OverdueView

HORIZON_DAYS = 7
"""The view holds every elder whose deadline falls before its day plus this: it answers
for any day from its own to that many days on."""

NEVER_VISITED_RANK = 10**6
"""Sorts never-visited elders (no deadline, no day count) before every counted one."""


@dataclass(frozen=True)
class OverdueReading:
    """The ports of the officials' overdue list: which communities a scope holds, their
    elders, and (when there is one) the overdue view."""

    scopes: ScopeDirectory
    elders: ElderRepository
    view: OverdueView | None = None


def due_entry(elder: Elder, on: date, policy: Policy) -> DueEntry | None:
    """The elder's tier and the deadline set by their last completed visit (or, for the
    monthly rule, a later call when the policy's `[contacts]` counts calls); None for an
    elder who is not active.

    The deadline is the one in force since that visit or call (careroute.domain.due.rule_deadline
    seen from the day after it), so a missed calendar month counts too. Never visited: no
    deadline (nothing to count from), unless the tier has no cadence and a counted call
    covered the month.
    """
    if elder.status is not ElderStatus.ACTIVE:
        return None
    tier = policy.tier_of(elder, on)
    last = elder.last_visited_on
    called = elder.contacted_on if policy.contacts.count_toward_monthly else None
    since = max((day for day in (last, called) if day is not None), default=None)
    if last is None and policy.tiers[tier].cadence_days is not None:
        since = None  # a call never stands in for a cadence's visit
    deadline = (
        None if since is None else rule_deadline(elder, tier, since + timedelta(days=1), policy)
    )
    return DueEntry(elder.elder_id, elder.community_id, tier, last, deadline)


def overdue_row(entry: DueEntry, on: date) -> OverdueElder:
    deadline = entry.deadline
    return OverdueElder(
        elder_id=entry.elder_id,
        community_id=entry.community_id,
        tier=entry.tier,
        last_visited_on=entry.last_visited_on,
        deadline=deadline,
        days_overdue=None if deadline is None else (on - deadline).days,
    )


def overdue_elder(elder: Elder, on: date, policy: Policy) -> OverdueElder | None:
    """The elder's entry if active and past their deadline on `on` (see due_entry)."""
    entry = due_entry(elder, on, policy)
    if entry is None or not entry.overdue_on(on):
        return None
    return overdue_row(entry, on)


def watch_of(community_id: str, elders: list[Elder], on: date, policy: Policy) -> CommunityWatch:
    """The community's view as of `on`: its active elders whose deadline falls before the
    view's horizon (never-visited ones included)."""
    horizon = on + timedelta(days=HORIZON_DAYS)
    entries = [due_entry(elder, on, policy) for elder in elders]
    kept = (e for e in entries if e is not None and e.overdue_on(horizon))
    return CommunityWatch(community_id, on, tuple(kept))


def answers_for(watch: CommunityWatch | None, on: date) -> bool:
    """Whether the view holds every elder late on `on`: counted that day or up to the
    horizon before (its tiers are the nightly count's)."""
    return watch is not None and watch.as_of <= on <= watch.as_of + timedelta(days=HORIZON_DAYS)


def overdue_entries(
    scope: Scope, on: date, policy: Policy, ports: OverdueReading
) -> list[DueEntry]:
    """Every elder of `scope` late on `on`: from the view where it answers, else from the
    community's elders."""
    communities = ports.scopes.communities_in(scope)
    watches = {} if ports.view is None else ports.view.read_watches(communities)
    found: list[DueEntry] = []
    for community_id in communities:
        watch = watches.get(community_id)
        if watch is None or not answers_for(watch, on):
            watch = watch_of(
                community_id, ports.elders.elders_of_community(community_id), on, policy
            )
        found.extend(entry for entry in watch.entries if entry.overdue_on(on))
    return found


def rank(entry: DueEntry, on: date) -> tuple[int, str, str]:
    """Most overdue first (never visited before all), then by community and elder."""
    days = NEVER_VISITED_RANK if entry.deadline is None else (on - entry.deadline).days
    return (-days, entry.community_id, entry.elder_id)


def cursor_of(key: tuple[int, str, str]) -> str:
    return "|".join(str(part) for part in key)


def key_of(cursor: str) -> tuple[int, str, str]:
    parts = cursor.split("|", 2)
    try:
        return (int(parts[0]), parts[1], parts[2])
    except (IndexError, ValueError) as exc:
        raise ValidationError(f"not a cursor of this list: {cursor!r}") from exc


def overdue_in(
    scope: Scope,
    on: date,
    policy: Policy,
    ports: OverdueReading,
    limit: int | None = None,
    after: str | None = None,
) -> OverdueList:
    """Overdue elders of every community in `scope`, most overdue first: `count` and the
    counts per tier and district are of them all, `elders` the page after the cursor
    `after` (at most `limit`; all without), `next_cursor` where the next page starts."""
    found = overdue_entries(scope, on, policy, ports)
    keyed = sorted(((rank(entry, on), entry) for entry in found), key=lambda pair: pair[0])
    start = 0
    if after is not None:
        last = key_of(after)
        start = next((i for i, (key, _) in enumerate(keyed) if key > last), len(keyed))
    end = len(keyed) if limit is None else min(len(keyed), start + limit)
    page = keyed[start:end]
    return OverdueList(
        scope=str(scope),
        on=on,
        count=len(found),
        by_tier=dict(sorted(Counter(e.tier.value for e in found).items())),
        by_district=districts_of(found, ports.scopes),
        elders=[overdue_row(entry, on) for _, entry in page],
        next_cursor=cursor_of(page[-1][0]) if page and end < len(keyed) else None,
    )


def districts_of(found: list[DueEntry], scopes: ScopeDirectory) -> dict[str, int]:
    """How many of `found` live in each district (by district id)."""
    per_community = Counter(entry.community_id for entry in found)
    counts: Counter[str] = Counter()
    for community_id, n in per_community.items():
        above = scopes.ancestors(Scope(ScopeKind.COMMUNITY, community_id))
        district = next((s.scope_id for s in above if s.kind is ScopeKind.DISTRICT), "")
        counts[district] += n
    return dict(sorted(counts.items()))
