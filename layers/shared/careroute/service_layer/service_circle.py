"""The 15-minute service circle for officials: for a scope they may read, the share of its
elders within 15 minutes' walk of a service facility, per district and community, and the
ids of the elders outside; and the daily count of every scope that coverage reports read.

The daily count also stores each community's row (its elders, within, ids outside), and a
scope's circle is summed from its communities' rows: a city's read is one query of ~1,150
rows instead of walking every elder. A community the count has not seen yet (added since,
or a fresh stack) is counted from its elders on request.

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
from careroute.service_layer.ports.circle_rows import CircleRows, CommunityCircle
from careroute.service_layer.scope_access import readable_scope

COUNTED_HERE_TTL_SECONDS = 86_400.0
"""What a container counted itself is kept for the day (a new day counts afresh anyway)."""


@dataclass(frozen=True)
class CircleCounting:
    """The ports of the daily count: the facilities, and where the counts and rows go."""

    facilities: FacilityRepository
    counts: CircleCounts
    rows: CircleRows


@dataclass(frozen=True)
class CircleReading:
    """The ports of officials' reads of the circle (GET /service-circle, GET /coverage)."""

    facilities: FacilityRepository
    elders: ElderRepository
    scopes: ScopeDirectory
    counts: CircleCounts
    rows: CircleRows
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


def _community_rows(
    members: list[str], today: date, policy: Policy, ports: CircleReading
) -> list[CommunityCircle]:
    """The members' rows as the last count stored them; those it has not (added since, or
    no count yet) counted now from their elders against the stored facilities."""
    stored = ports.rows.read_rows(members)
    missing = [cid for cid in members if cid not in stored]
    if not missing:
        return [stored[cid] for cid in members]
    elders = [e for cid in missing for e in ports.elders.elders_of_community(cid)]
    report = service_circle(elders, stored_facilities(ports.facilities), walking(policy))
    district_of = {e.community_id: e.district_id for e in elders}
    counted = {
        cid: _row_of(cid, district_of[cid], today, row) for cid, row in report.communities.items()
    }
    return [stored.get(cid) or counted.get(cid) or _row_of(cid, "", today, None) for cid in members]


def _row_of(
    community_id: str, district_id: str, day: date, row: CircleRow | None
) -> CommunityCircle:
    if row is None:
        return CommunityCircle(community_id, district_id, day, 0, 0, ())
    return CommunityCircle(
        community_id, district_id, day, row.elders, row.within, tuple(row.outside)
    )


def summed(rows: Iterable[CommunityCircle]) -> CircleReport:
    """The report the circle gives over these communities' elders, from their rows: each
    district's and the total's figures are their communities' sums (a community or district
    without counted elders has no row, as in `service_circle`)."""
    counted = sorted((r for r in rows if r.elders), key=lambda r: r.community_id)
    districts: dict[str, CircleRow] = {}
    total = CircleRow("all")
    for r in counted:
        for row in (districts.setdefault(r.district_id, CircleRow(r.district_id)), total):
            row.elders += r.elders
            row.within += r.within
            row.outside.extend(r.outside)
    for row in (*districts.values(), total):
        row.outside.sort()
    communities = {
        r.community_id: CircleRow(r.community_id, r.elders, r.within, list(r.outside))
        for r in counted
    }
    return CircleReport(CIRCLE_SECONDS, communities, dict(sorted(districts.items())), total)


def count_circles(
    communities: Iterable[Community],
    elders: Iterable[Elder],
    policy: Policy,
    day: date,
    ports: CircleCounting,
) -> dict[Scope, tuple[int, int]]:
    """Count the circle of every community, street, district and the city against the
    facilities stored now, and store the counts and each community's row as of `day` (the
    daily ServiceCircleCountFunction, and `careroute run` from the registry it has just loaded).
    The counts stored, per scope."""
    members = sorted(communities, key=lambda c: c.community_id)
    rows = service_circle(elders, stored_facilities(ports.facilities), walking(policy)).communities
    ports.rows.save_rows(
        _row_of(c.community_id, c.district_id, day, rows.get(c.community_id)) for c in members
    )
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
    caller: Caller, scope_text: str | None, today: date, policy: Policy, ports: CircleReading
) -> dict[str, Any]:
    """The circle of one scope (city, district:ID, street:ID or community:ID; default: the
    caller's own), summed from its communities' rows of the last count (`as_of`: the oldest
    row's day). Elder ids outside are listed per community and for scopes below the city."""
    own = caller.official_scope
    if scope_text is None and own is not None:
        scope_text = str(own)
    scope = readable_scope(caller, scope_text or "", ports.scopes)
    rows = _community_rows(_members(scope, ports.scopes), today, policy, ports)
    report = summed(rows)
    total = row_document(report.city, ids=scope.kind is not ScopeKind.CITY)
    return {
        "scope": str(scope),
        "limit_minutes": CIRCLE_SECONDS // 60,
        "as_of": min(r.as_of for r in rows).isoformat(),
        "total": {**total, "id": str(scope)},
        "districts": [row_document(r, ids=False) for r in report.districts.values()],
        "communities": [row_document(r) for r in report.communities.values()],
    }
