"""The 15-minute service circle for officials: for a scope they may read, the share of its
elders within 15 minutes' walk of a service facility, per district and community, and the
ids of the elders outside; and the daily count of every scope that coverage reports read.

Facilities come from the service-facilities table (day-care centres, service stations,
canteens; the reads' adapter keeps them in the container for a few minutes); none stored
counts every elder outside and says so in the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from careroute.domain.access import Caller
from careroute.domain.coverage import Scope, ScopeKind, scopes_of
from careroute.domain.errors import ValidationError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Community, Elder, TravelMode
from careroute.observability import logger
from careroute.planning.service_circle import (
    CIRCLE_SECONDS,
    CircleReport,
    CircleRow,
    Facility,
    service_circle,
)
from careroute.planning.travel import HaversineTravel
from careroute.service_layer.container_cache import ContainerCache
from careroute.service_layer.ports import (
    CircleCounts,
    ElderRepository,
    FacilityRepository,
    ScopeDirectory,
)
from careroute.service_layer.scope_access import readable_scope

COUNTED_HERE_TTL_SECONDS = 86_400.0
"""What a container counted itself is kept for the day (a new day counts afresh anyway)."""


@dataclass(frozen=True)
class CircleCounting:
    """The ports of the daily count: the facilities, and where the counts go."""

    facilities: FacilityRepository
    counts: CircleCounts


@dataclass(frozen=True)
class CircleReading:
    """The ports of officials' reads of the circle (GET /service-circle, GET /coverage)."""

    facilities: FacilityRepository
    elders: ElderRepository
    scopes: ScopeDirectory
    counts: CircleCounts
    counted_here: ContainerCache[dict[tuple[str, date], tuple[int, int]]] = field(
        default_factory=lambda: ContainerCache(COUNTED_HERE_TTL_SECONDS)
    )
    """(community id, day) -> (elders, within) this container counted itself before the
    day's first stored count (circle_share); `container_cache.forget_all` drops it."""


def stored_facilities(facilities: FacilityRepository) -> tuple[Facility, ...]:
    """Every facility stored; none is a warning, not an error (nobody is inside)."""
    found = tuple(facilities.all_facilities())
    if not found:
        logger.warning("no service facilities stored: every elder counts as outside the circle")
    return found


def walking(policy: Policy) -> HaversineTravel:
    return HaversineTravel(policy.speed_kmh[TravelMode.WALK], policy.circuity)


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


def _members(scope: Scope, scopes: ScopeDirectory) -> list[str]:
    members = scopes.communities_in(scope)
    if not members:
        raise ValidationError(f"scope: no communities in {scope}")
    return members


def _scope_report(scope: Scope, policy: Policy, ports: CircleReading) -> CircleReport:
    """The circle of the elders of `scope`'s communities (the stored facilities of the city)."""
    members = _members(scope, ports.scopes)
    elders = [e for cid in members for e in ports.elders.elders_of_community(cid)]
    return service_circle(elders, stored_facilities(ports.facilities), walking(policy))


def count_circles(
    communities: Iterable[Community],
    elders: Iterable[Elder],
    policy: Policy,
    day: date,
    ports: CircleCounting,
) -> dict[Scope, tuple[int, int]]:
    """Count the circle of every community, street, district and the city against the
    facilities stored now, and store the counts as of `day` (the daily
    ServiceCircleCountFunction, and `careroute run` from the registry it has just loaded).
    The counts stored, per scope."""
    members = sorted(communities, key=lambda c: c.community_id)
    rows = service_circle(elders, stored_facilities(ports.facilities), walking(policy)).communities
    counts: dict[Scope, tuple[int, int]] = {}
    for c in members:
        row = rows.get(c.community_id)
        own = (row.elders, row.within) if row else (0, 0)
        for scope in scopes_of(c.community_id, c.street_id, c.district_id):
            before = counts.get(scope, (0, 0))
            counts[scope] = (before[0] + own[0], before[1] + own[1])
    ports.counts.save_counts(counts, day)
    return counts


def circle_share(scope: Scope, policy: Policy, today: date, ports: CircleReading) -> dict[str, Any]:
    """The coverage report's circle figures of a scope (counts and share, no ids).

    Read from the daily count (count_circles: one item per scope). Before the first count
    (a fresh stack) the scope's communities are counted here and kept per community for
    the day in this container: cheap for a street, slow for the whole city.
    """
    stored = ports.counts.read_count(scope)
    if stored is not None:
        elders, within, as_of = stored.elders, stored.within, stored.as_of
    else:
        elders, within, as_of = (*_counted_here(scope, policy, today, ports), today)
    return {
        "limit_minutes": CIRCLE_SECONDS // 60,
        "elders": elders,
        "within": within,
        "share": round(CircleRow("total", elders, within).share, 4),
        "as_of": as_of.isoformat(),
    }


def _counted_here(
    scope: Scope, policy: Policy, today: date, ports: CircleReading
) -> tuple[int, int]:
    members = _members(scope, ports.scopes)
    memo = ports.counted_here.get(dict)
    if any(day != today for _cid, day in memo):
        memo.clear()  # a new day: count afresh
    missing = [cid for cid in members if (cid, today) not in memo]
    if missing:
        read = [e for cid in missing for e in ports.elders.elders_of_community(cid)]
        counted = service_circle(
            read, stored_facilities(ports.facilities), walking(policy)
        ).communities
        for cid in missing:
            row = counted.get(cid)
            memo[(cid, today)] = (row.elders, row.within) if row else (0, 0)
    return (
        sum(memo[(cid, today)][0] for cid in members),
        sum(memo[(cid, today)][1] for cid in members),
    )


def scope_circle(
    caller: Caller, scope_text: str | None, policy: Policy, ports: CircleReading
) -> dict[str, Any]:
    """The circle of one scope (city, district:ID, street:ID or community:ID; default: the
    caller's own). Elder ids outside are listed per community and for scopes below the city."""
    own = caller.official_scope
    if scope_text is None and own is not None:
        scope_text = str(own)
    scope = readable_scope(caller, scope_text or "", ports.scopes)
    report = _scope_report(scope, policy, ports)
    total = row_document(report.city, ids=scope.kind is not ScopeKind.CITY)
    return {
        "scope": str(scope),
        "limit_minutes": CIRCLE_SECONDS // 60,
        "total": {**total, "id": str(scope)},
        "districts": [row_document(r, ids=False) for r in report.districts.values()],
        "communities": [row_document(r) for r in report.communities.values()],
    }
