"""What the officials' dashboard needs beyond the API's coverage rows: the map of the viewer's
scope (community points, street and district names, district outlines) and the month's
coverage day by day. Both are scoped like GET /coverage: officials read their own scope and
what it contains, the city admin reads everything. No elder data: communities only.

The month's days come from the series the nightly count stores for every scope (recounted
from the visit records, through the day before) and today's point from the live coverage
counters (the same total: an elder counts once in the month); without a stored series
that reaches the day before, they are recounted from the visit records on request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from careroute.domain.access import Caller
from careroute.domain.compliance import month_bounds
from careroute.domain.coverage import Scope, scopes_of
from careroute.domain.coverage_series import daily_elders_visited
from careroute.domain.errors import ValidationError
from careroute.domain.map_geometry import outline
from careroute.domain.vocabulary import Community, VisitRecord, residential
from careroute.service_layer.ports import (
    CommunityRepository,
    CoverageRepository,
    ScopeDirectory,
    VisitRepository,
)
from careroute.service_layer.ports.coverage_series import SeriesStore, StoredSeries
from careroute.service_layer.scope_access import readable_known_scope


@dataclass(frozen=True)
class DashboardReading:
    """The ports of the dashboard's map and month chart."""

    communities: CommunityRepository
    visits: VisitRepository
    coverage: CoverageRepository
    scopes: ScopeDirectory
    series: SeriesStore | None = None


def scope_map(who: Caller, scope_text: str, ports: DashboardReading) -> dict[str, Any]:
    """Communities of the scope with their points, its streets and districts, and each
    district's outline (padded convex hull of its communities in the scope). The streets'
    relief posts are listed apart: they hold no elders, so no visit rate colours them."""
    scope = readable_known_scope(who, scope_text, ports.scopes, ports.coverage)
    inside = sorted(
        (c for c in ports.communities.all_communities() if scope.holds(c)),
        key=lambda c: c.community_id,
    )
    posts = [c for c in inside if not c.residential]
    inside = residential(inside)
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
        "relief_posts": [
            {
                "community_id": c.community_id,
                "street_id": c.street_id,
                "lat": c.location.lat,
                "lng": c.location.lng,
            }
            for c in posts
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
    until = max(first, min(last, today))
    rows = ports.coverage.read_coverage(month, scope)
    stored = None if ports.series is None else ports.series.read_series(month, scope)
    if stored is not None and stored.through >= until - timedelta(days=1):
        days = [d for d in stored.days if str(d["date"]) < until.isoformat()]
        if stored.through >= until:
            days.append(stored.days[(until - first).days])
        else:  # today: the live counters
            days.append(
                {"date": until.isoformat(), **{r["tier"]: r["elders_visited"] for r in rows}}
            )
    else:
        # visited_at is stored with its own offset: a day either side, then the local month.
        day = timedelta(days=1)
        records = ports.visits.visits_between(first - day, last + day, scope)
        days = daily_elders_visited(records, month, until=until, contacts_count=contacts_count)
    return {
        "month": month,
        "scope": str(scope),
        "elders_due": {row["tier"]: row["elders_due"] for row in rows},
        "days": days,
    }


def count_series(
    records: Iterable[VisitRecord],
    communities: Iterable[Community],
    month: str,
    through: date,
    contacts_count: bool = False,
) -> dict[Scope, StoredSeries]:
    """Every scope's series of `month` through `through` (none before the month starts),
    recounted from the visit records: each record counts in its community, street,
    district and the city; a scope without visits gets its zeros."""
    first, last = month_bounds(month)
    by_scope: dict[Scope, list[VisitRecord]] = {}
    for c in communities:
        for scope in scopes_of(c.community_id, c.street_id, c.district_id):
            by_scope.setdefault(scope, [])
    for record in records:
        if record.month == month:
            for scope in scopes_of(record.community_id, record.street_id, record.district_id):
                by_scope.setdefault(scope, []).append(record)
    end = min(last, through)
    return {
        scope: StoredSeries(
            through,
            tuple(daily_elders_visited(found, month, end, contacts_count)) if end >= first else (),
        )
        for scope, found in by_scope.items()
    }


def store_series(
    today: date,
    communities: list[Community],
    contacts_count: bool,
    visits: VisitRepository,
    store: SeriesStore,
) -> int:
    """The nightly count: every scope's series of yesterday's month and today's, through
    yesterday, from one read of each month's visit records; the series written."""
    yesterday, day = today - timedelta(days=1), timedelta(days=1)
    written = 0
    for month in sorted({yesterday.strftime("%Y-%m"), today.strftime("%Y-%m")}):
        first, last = month_bounds(month)
        records = visits.visits_between(first - day, last + day, Scope.parse("city"))
        series = count_series(records, communities, month, yesterday, contacts_count)
        written += store.save_series(month, series)
    return written
