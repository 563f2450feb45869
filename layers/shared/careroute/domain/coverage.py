"""Monthly coverage: the scopes a visit counts in, and counters recomputed from raw records.

Pure: the projector (storage.coverage) applies the same rules incrementally; `recompute`
applies them from scratch, so the two can be compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from careroute.domain.policy import Policy
from careroute.domain.scope_ids import HasScopeIds
from careroute.domain.vocabulary import Elder, ElderStatus, Outcome, Tier, VisitRecord

ALL_TIERS = "ALL"


class Projection(StrEnum):
    """What projecting one visit record did: counted it, or found it counted already."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"


class ScopeKind(StrEnum):
    COMMUNITY = "community"
    STREET = "street"
    DISTRICT = "district"
    CITY = "city"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    scope_id: str

    @classmethod
    def parse(cls, text: str) -> Scope:
        """'city', 'district:D01', 'street:S001' or 'community:C0001'."""
        kind_text, _, scope_id = text.partition(":")
        try:
            kind = ScopeKind(kind_text)
        except ValueError as exc:
            kinds = ", ".join(k.value for k in ScopeKind)
            raise ValueError(f"scope must start with one of {kinds}; got {text!r}") from exc
        if kind is ScopeKind.CITY:
            if scope_id not in ("", "all"):
                raise ValueError("the city scope takes no id: use 'city'")
            return cls(kind, "all")
        if not scope_id:
            raise ValueError(f"scope {kind.value!r} needs an id, e.g. '{kind.value}:X01'")
        return cls(kind, scope_id)

    def __str__(self) -> str:
        return "city" if self.kind is ScopeKind.CITY else f"{self.kind.value}:{self.scope_id}"

    def holds(self, placed: HasScopeIds) -> bool:
        """Is `placed` (an elder, a community, an incident, a bed, ...) inside this scope?"""
        if self.kind is ScopeKind.CITY:
            return True
        own = {
            ScopeKind.DISTRICT: placed.district_id,
            ScopeKind.STREET: placed.street_id,
            ScopeKind.COMMUNITY: placed.community_id,
        }
        return own[self.kind] == self.scope_id


def scopes_of(community_id: str, street_id: str, district_id: str) -> tuple[Scope, ...]:
    return (
        Scope(ScopeKind.COMMUNITY, community_id),
        Scope(ScopeKind.STREET, street_id),
        Scope(ScopeKind.DISTRICT, district_id),
        Scope(ScopeKind.CITY, "all"),
    )


def record_scopes(record: VisitRecord) -> tuple[Scope, ...]:
    return scopes_of(record.community_id, record.street_id, record.district_id)


@dataclass
class Counters:
    """What coverage reports per month x scope x tier."""

    elders_visited: int = 0
    visits_made: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


CounterKey = tuple[str, Scope, str]
"""(month 'YYYY-MM', scope, tier or ALL)."""


def recompute(
    visits: Iterable[VisitRecord], contacts_count: bool = False
) -> dict[CounterKey, Counters]:
    """Coverage counters from raw visit records alone (the independent check).

    An elder counts once per month, in the tier of its earliest completed visit that month
    (or phone or video contact, when `contacts_count`: the policy's `[contacts]`).
    """
    counters: dict[CounterKey, Counters] = defaultdict(Counters)
    first_completed: dict[tuple[str, str], VisitRecord] = {}
    for visit in visits:
        for scope in record_scopes(visit):
            for tier in (visit.tier.value, ALL_TIERS):
                row = counters[(visit.month, scope, tier)]
                row.visits_made += 1
                row.outcomes[visit.outcome.value] = row.outcomes.get(visit.outcome.value, 0) + 1
        if visit.counts_toward_month(contacts_count):
            key = (visit.elder_id, visit.month)
            earlier = first_completed.get(key)
            if earlier is None or visit.visited_at < earlier.visited_at:
                first_completed[key] = visit
    for visit in first_completed.values():
        for scope in record_scopes(visit):
            for tier in (visit.tier.value, ALL_TIERS):
                counters[(visit.month, scope, tier)].elders_visited += 1
    return dict(counters)


def registry_totals(
    elders: Iterable[Elder],
    community_scopes: dict[str, tuple[Scope, ...]],
    on: date,
    policy: Policy,
) -> dict[tuple[Scope, str], int]:
    """Active elders in each scope x tier (and ALL) on a date: the denominators of coverage."""
    totals: dict[tuple[Scope, str], int] = defaultdict(int)
    for elder in elders:
        if elder.status is not ElderStatus.ACTIVE:
            continue
        tier = policy.tier_of(elder, on).value
        for scope in community_scopes[elder.community_id]:
            totals[(scope, tier)] += 1
            totals[(scope, ALL_TIERS)] += 1
    return dict(totals)


def registry_total_changes(
    before: Elder | None,
    after: Elder | None,
    scopes: tuple[Scope, ...],
    on: date,
    policy: Policy,
) -> dict[tuple[Scope, str], int]:
    """How one elder's change moves the denominators of its `scopes`: -1 where `before` was
    counted, +1 where `after` is (None: not in the registry); zeros left out. Both tiers are
    taken on `on`, so the ALL row is exact; a tier row follows the elder's tier of today."""
    changes: dict[tuple[Scope, str], int] = defaultdict(int)
    for elder, sign in ((before, -1), (after, 1)):
        if elder is None or elder.status is not ElderStatus.ACTIVE:
            continue
        tier = policy.tier_of(elder, on).value
        for scope in scopes:
            changes[(scope, tier)] += sign
            changes[(scope, ALL_TIERS)] += sign
    return {key: change for key, change in changes.items() if change}


OUTCOME_NAMES = tuple(o.value for o in Outcome)
TIER_ORDER = (Tier.T1.value, Tier.T2.value, Tier.T3.value, ALL_TIERS)
"""The rows of a coverage answer, in order."""


def coverage_row(tier: str, counts: Mapping[str, int] | None, due: int) -> dict[str, Any]:
    """One tier's row of a coverage answer from its stored counts (None: nothing yet):
    `elders_visited`, `visits_made` and `outcome_<name>` for each outcome."""
    found = counts or {}
    visited = int(found.get("elders_visited", 0))
    return {
        "tier": tier,
        "elders_due": due,
        "elders_visited": visited,
        "visit_rate": round(visited / due, 4) if due else None,
        "visits_made": int(found.get("visits_made", 0)),
        "outcomes": {name: int(found.get(f"outcome_{name}", 0)) for name in OUTCOME_NAMES},
    }
