"""What the officials' dashboard needs beyond the API's coverage rows: the map of the viewer's
scope (community points, street and district names, district outlines) and the month's
coverage day by day. Both are scoped like GET /coverage: officials read their own scope and
what it contains, the city admin reads everything. No elder data: communities only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from careroute.domain.access import Caller
from careroute.domain.compliance import month_bounds
from careroute.domain.coverage_series import daily_elders_visited
from careroute.domain.errors import ValidationError
from careroute.domain.map_geometry import outline
from careroute.service_layer.ports import (
    CommunityRepository,
    CoverageRepository,
    ScopeDirectory,
    VisitRepository,
)
from careroute.service_layer.scope_access import readable_known_scope


@dataclass(frozen=True)
class DashboardReading:
    """The ports of the dashboard's map and month chart."""

    communities: CommunityRepository
    visits: VisitRepository
    coverage: CoverageRepository
    scopes: ScopeDirectory


def scope_map(who: Caller, scope_text: str, ports: DashboardReading) -> dict[str, Any]:
    """Communities of the scope with their points, its streets and districts, and each
    district's outline (padded convex hull of its communities in the scope)."""
    scope = readable_known_scope(who, scope_text, ports.scopes, ports.coverage)
    inside = sorted(
        (c for c in ports.communities.all_communities() if scope.holds(c)),
        key=lambda c: c.community_id,
    )
    districts: dict[str, dict[str, Any]] = {}
    streets: dict[str, dict[str, Any]] = {}
    points: dict[str, list[tuple[float, float]]] = {}
    for c in inside:
        districts.setdefault(c.district_id, {"district_id": c.district_id, "name": c.district_name})
        streets.setdefault(
            c.street_id,
            {"street_id": c.street_id, "name": c.street_name, "district_id": c.district_id},
        )
        points.setdefault(c.district_id, []).append((c.location.lng, c.location.lat))
    for district_id, row in districts.items():
        row["outline"] = [list(p) for p in outline(points[district_id])]
    return {
        "scope": str(scope),
        "districts": sorted(districts.values(), key=lambda d: d["district_id"]),
        "streets": sorted(streets.values(), key=lambda s: s["street_id"]),
        "communities": [
            {
                "community_id": c.community_id,
                "name": c.name,
                "street_id": c.street_id,
                "district_id": c.district_id,
                "lat": c.location.lat,
                "lng": c.location.lng,
            }
            for c in inside
        ],
    }


def month_series(
    who: Caller,
    month: str,
    scope_text: str,
    today: date,
    ports: DashboardReading,
    contacts_count: bool = False,
) -> dict[str, Any]:
    """Elders visited per tier, cumulative, for each day of the month up to today, next to
    the month's elders due (the coverage rows' denominators); a phone or video contact
    counts when `contacts_count` (the policy's `[contacts]`), as the counters did."""
    scope = readable_known_scope(who, scope_text, ports.scopes, ports.coverage)
    try:
        first, last = month_bounds(month)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    # visited_at is stored with its own offset: a day either side, then the local month.
    day = timedelta(days=1)
    records = ports.visits.visits_between(first - day, last + day, scope)
    rows = ports.coverage.read_coverage(month, scope)
    return {
        "month": month,
        "scope": str(scope),
        "elders_due": {row["tier"]: row["elders_due"] for row in rows},
        "days": daily_elders_visited(
            records, month, until=max(first, min(last, today)), contacts_count=contacts_count
        ),
    }
