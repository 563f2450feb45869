"""What officials see: overdue elders of a scope (ids, tiers and dates; no names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain.coverage import Scope
from careroute.domain.due import rule_deadline
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, ElderStatus
from careroute.messages.api import OverdueElder, OverdueList
from careroute.service_layer.ports import ElderRepository, ScopeDirectory


@dataclass(frozen=True)
class OverdueReading:
    """The ports of the officials' overdue list: which communities a scope holds, and their
    elders."""

    scopes: ScopeDirectory
    elders: ElderRepository


def overdue_elder(elder: Elder, on: date, policy: Policy) -> OverdueElder | None:
    """The elder's entry if active and past the deadline set by their last completed visit
    (or, for the monthly rule, a later call when the policy's `[contacts]` counts calls).

    The deadline is the one in force since that visit or call (careroute.domain.due.rule_deadline
    seen from the day after it), so a missed calendar month counts too. Never visited:
    overdue, with no deadline or day count (nothing to count from), unless the tier has no
    cadence and a counted call covered the month.
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
    if deadline is not None and deadline >= on:
        return None
    return OverdueElder(
        elder_id=elder.elder_id,
        community_id=elder.community_id,
        tier=tier,
        last_visited_on=last,
        deadline=deadline,
        days_overdue=None if deadline is None else (on - deadline).days,
    )


def overdue_in(scope: Scope, on: date, policy: Policy, ports: OverdueReading) -> OverdueList:
    """Overdue elders of every community in `scope`, most overdue first."""
    found: list[OverdueElder] = []
    for community_id in ports.scopes.communities_in(scope):
        for elder in ports.elders.elders_of_community(community_id):
            entry = overdue_elder(elder, on, policy)
            if entry is not None:
                found.append(entry)
    found.sort(key=lambda e: (-(e.days_overdue or 10**6), e.community_id, e.elder_id))
    return OverdueList(scope=str(scope), on=on, count=len(found), elders=found)
