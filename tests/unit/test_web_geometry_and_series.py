"""What the web pages draw: district outlines around their communities, and the month's
coverage day by day (ending where the projector's counters end)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from careroute_synthetic.city import generate_city

from careroute.domain.coverage import ALL_TIERS, Scope, ScopeKind, recompute
from careroute.domain.coverage_series import daily_elders_visited
from careroute.domain.map_geometry import convex_hull, outline
from careroute.domain.vocabulary import Outcome, Tier, VisitRecord


def inside(point: tuple[float, float], polygon: list[tuple[float, float]]) -> bool:
    """On or inside a counter-clockwise convex polygon."""
    n = len(polygon)
    for i in range(n):
        (x1, y1), (x2, y2) = polygon[i], polygon[(i + 1) % n]
        if (x2 - x1) * (point[1] - y1) - (y2 - y1) * (point[0] - x1) < -1e-12:
            return False
    return True


def test_the_hull_keeps_the_corners_and_drops_the_inside_points() -> None:
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    hull = convex_hull([*square, (1.0, 1.0), (1.0, 0.0), (0.5, 1.5), (2.0, 2.0)])
    assert sorted(hull) == sorted(square)
    assert (
        sum(  # counter-clockwise: positive area
            hull[i][0] * hull[(i + 1) % 4][1] - hull[(i + 1) % 4][0] * hull[i][1] for i in range(4)
        )
        > 0
    )


def test_a_lone_or_lined_up_community_still_gets_an_area() -> None:
    assert len(outline([(123.4, 41.8)])) >= 3
    line = outline([(123.40, 41.80), (123.41, 41.80), (123.42, 41.80)], padding=0.004)
    assert len(line) >= 4 and max(p[1] for p in line) > 41.8 > min(p[1] for p in line)


def test_every_community_of_a_district_lies_inside_its_outline() -> None:
    city = generate_city(3, as_of=date(2026, 12, 1), districts=["Heping", "Shenhe"], scale=0.2)
    for district in {c.district_id for c in city.communities}:
        points = [
            (c.location.lng, c.location.lat) for c in city.communities if c.district_id == district
        ]
        ring = outline(points)
        assert all(inside(p, ring) for p in points), district
        # ... with room around it: no community sits on the line.
        nearest = min(math.dist(p, q) for p in points for q in ring)
        assert nearest > 0.001


T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 on 3 December in Shenyang


def visit(n: int, elder: str, outcome: Outcome, at: datetime, tier: Tier) -> VisitRecord:
    return VisitRecord(f"v{n}", elder, "W1", "C1", "S1", "D1", tier, outcome, at, at)


def test_the_series_counts_each_elder_once_on_the_day_of_the_first_completed_visit() -> None:
    visits = [
        visit(1, "E1", Outcome.NOT_HOME, T0, Tier.T1),
        visit(2, "E1", Outcome.VISITED, T0 + timedelta(days=2), Tier.T1),
        visit(3, "E1", Outcome.VISITED, T0 + timedelta(days=9), Tier.T1),
        visit(4, "E2", Outcome.VISITED, T0, Tier.T3),
        visit(5, "E3", Outcome.REFUSED, T0, Tier.T2),
        visit(6, "E4", Outcome.VISITED, datetime(2026, 11, 30, 12, tzinfo=UTC), Tier.T2),  # Nov
        visit(
            7, "E5", Outcome.VISITED, datetime(2026, 11, 30, 17, tzinfo=UTC), Tier.T2
        ),  # 1 Dec local
    ]
    days = daily_elders_visited(visits, "2026-12")
    assert len(days) == 31 and days[0]["date"] == "2026-12-01" and days[-1]["date"] == "2026-12-31"
    by_day = {d["date"]: d for d in days}
    assert by_day["2026-12-01"] == {"date": "2026-12-01", "T1": 0, "T2": 1, "T3": 0, "ALL": 1}
    assert by_day["2026-12-03"] == {"date": "2026-12-03", "T1": 0, "T2": 1, "T3": 1, "ALL": 2}
    assert by_day["2026-12-05"] == {"date": "2026-12-05", "T1": 1, "T2": 1, "T3": 1, "ALL": 3}
    # The last day equals the month's counters recomputed from the same records.
    counters = recompute(visits)
    for tier in ("T1", "T2", "T3", ALL_TIERS):
        row = counters.get(("2026-12", Scope(ScopeKind.COMMUNITY, "C1"), tier))
        assert days[-1][tier] == (row.elders_visited if row else 0), tier


def test_the_series_stops_at_the_day_asked() -> None:
    days = daily_elders_visited([], "2026-12", until=date(2026, 12, 10))
    assert [d["date"] for d in days][-1] == "2026-12-10" and len(days) == 10
    assert all(d["ALL"] == 0 for d in days)
