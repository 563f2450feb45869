"""The 15-minute service circle for officials: for a scope they may read, the share of its
elders within 15 minutes' walk of a service facility, per district and community, and the
ids of the elders outside. Also the city table the CLI prints.

Facilities are the synthetic ones (service_circle.generate_facilities with the canteens of
synthetic_meals), generated from the registry's communities once per container.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from careroute.auth import Caller, require_scope
from careroute.coverage import Scope, ScopeKind
from careroute.domain import Community, Elder, TravelMode
from careroute.exceptions import ValidationError
from careroute.policy import Policy
from careroute.service_circle import (
    CIRCLE_SECONDS,
    CircleReport,
    CircleRow,
    Facility,
    generate_facilities,
    service_circle,
)
from careroute.services.meals import MEAL_SEED
from careroute.storage import registry
from careroute.storage.scopes import ancestors, communities_in
from careroute.synthetic_meals import generate_canteens
from careroute.travel import HaversineTravel

_facilities: dict[int, tuple[Facility, ...]] = {}
_community_counts: dict[tuple[str, date], tuple[int, int]] = {}
"""(community id, day) -> (elders counted, within the circle)."""


def facilities_of(communities: Iterable[Community], seed: int = MEAL_SEED) -> tuple[Facility, ...]:
    ordered = sorted(communities, key=lambda c: c.community_id)
    return generate_facilities(ordered, seed, generate_canteens(ordered, seed))


def walking(policy: Policy) -> HaversineTravel:
    return HaversineTravel(policy.speed_kmh[TravelMode.WALK], policy.circuity)


def city_report(
    communities: Iterable[Community], elders: Iterable[Elder], policy: Policy
) -> CircleReport:
    """The whole registry's circle (the CLI's table)."""
    return service_circle(elders, facilities_of(communities), walking(policy))


def row_document(row: CircleRow, ids: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": row.scope_id,
        "elders": row.elders,
        "within": row.within,
        "share": round(row.share, 4),
    }
    if ids:
        doc["outside"] = row.outside
    return doc


def _facilities_now() -> tuple[Facility, ...]:
    if MEAL_SEED not in _facilities:
        _facilities[MEAL_SEED] = facilities_of(registry.all_communities())
    return _facilities[MEAL_SEED]


def _members(scope: Scope) -> list[str]:
    members = communities_in(scope)
    if not members:
        raise ValidationError(f"scope: no communities in {scope}")
    return members


def _scope_report(scope: Scope, policy: Policy) -> CircleReport:
    """The circle of the elders of `scope`'s communities (the stored facilities of the city)."""
    elders = [e for cid in _members(scope) for e in registry.elders_of_community(cid)]
    return service_circle(elders, _facilities_now(), walking(policy))


def circle_share(scope: Scope, policy: Policy, today: date) -> dict[str, Any]:
    """The coverage report's circle figures of a scope (counts and share, no ids).

    Kept per community for the (China) day in this container: a scope's figure is the sum
    of its communities', and only the communities not yet counted today are read (one
    query each). The registry and the facilities change far more slowly than coverage is
    read and a monthly report needs no fresher share, so the whole city's ~1,153 queries are
    paid once a day per container, and a street official's first report reads one street.
    """
    members = _members(scope)
    if any(day != today for _cid, day in _community_counts):
        _community_counts.clear()  # a new day: count afresh
    missing = [cid for cid in members if (cid, today) not in _community_counts]
    if missing:
        read = [e for cid in missing for e in registry.elders_of_community(cid)]
        counted = service_circle(read, _facilities_now(), walking(policy)).communities
        for cid in missing:
            row = counted.get(cid)
            _community_counts[(cid, today)] = (row.elders, row.within) if row else (0, 0)
    elders = sum(_community_counts[(cid, today)][0] for cid in members)
    within = sum(_community_counts[(cid, today)][1] for cid in members)
    return {
        "limit_minutes": CIRCLE_SECONDS // 60,
        "elders": elders,
        "within": within,
        "share": round(CircleRow("total", elders, within).share, 4),
        "as_of": today.isoformat(),
    }


def scope_circle(caller: Caller, scope_text: str | None, policy: Policy) -> dict[str, Any]:
    """The circle of one scope (city, district:ID, street:ID or community:ID; default: the
    caller's own). Elder ids outside are listed per community and for scopes below the city."""
    own = caller.official_scope
    if scope_text is None and own is not None:
        scope_text = str(own)
    try:
        scope = Scope.parse(scope_text or "")
    except ValueError as exc:
        raise ValidationError(f"scope: {exc}") from exc
    require_scope(caller, scope, ancestors(scope))
    report = _scope_report(scope, policy)
    total = row_document(report.city, ids=scope.kind is not ScopeKind.CITY)
    return {
        "scope": str(scope),
        "limit_minutes": CIRCLE_SECONDS // 60,
        "total": {**total, "id": str(scope)},
        "districts": [row_document(r, ids=False) for r in report.districts.values()],
        "communities": [row_document(r) for r in report.communities.values()],
    }
