"""Map geometry drawn from the project's own data: district outlines around their communities,
and each community's share of its district.

The web pages draw the city without base-map tiles (no internet at run time), so each
district's outline is the convex hull of its communities' points, padded a little so a lone
or collinear community still shows as an area, and a community's outline is the part of its
district's nearer to it than to any other community of the district. Pure: no AWS imports.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

Point = tuple[float, float]
"""(lng, lat): x first, as the page projects it."""

HULL_PADDING_DEG = 0.004
"""How far an outline lies outside its outermost communities (~400 m in Shenyang)."""

PADDING_SIDES = 8
"""Points put around each community before the hull: rounds the padded outline's corners."""


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def convex_hull(points: Iterable[Point]) -> list[Point]:
    """The hull's corners counter-clockwise (Andrew's monotone chain), no point repeated.

    Fewer than three distinct points give those points back, sorted.
    """
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique
    lower: list[Point] = []
    for p in unique:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(unique):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def outline(points: Sequence[Point], padding: float = HULL_PADDING_DEG) -> list[Point]:
    """A padded outline around `points`: the hull of a small polygon around each point."""
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    ring = [
        (
            padding * math.cos(2 * math.pi * k / PADDING_SIDES),
            padding * math.sin(2 * math.pi * k / PADDING_SIDES),
        )
        for k in range(PADDING_SIDES)
    ]
    spread = [(x + dx, y + dy) for x, y in points for dx, dy in ring] if padding else points
    return [(round(x, 6), round(y, 6)) for x, y in convex_hull(spread)]


def clip(polygon: Sequence[Point], keep: Point, away: Point) -> list[Point]:
    """The part of a convex polygon nearer to `keep` than to `away` (one Sutherland-Hodgman
    step along their perpendicular bisector)."""
    mid = ((keep[0] + away[0]) / 2, (keep[1] + away[1]) / 2)
    normal = (away[0] - keep[0], away[1] - keep[1])

    def side(p: Point) -> float:  # < 0: keep's side
        return (p[0] - mid[0]) * normal[0] + (p[1] - mid[1]) * normal[1]

    kept: list[Point] = []
    for a, b in zip(polygon, [*polygon[1:], *polygon[:1]], strict=True):
        sa, sb = side(a), side(b)
        if sa <= 0:
            kept.append(a)
        if (sa < 0 < sb) or (sb < 0 < sa):
            t = sa / (sa - sb)
            kept.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
    return kept


def cells(points: dict[str, Point], boundary: Sequence[Point]) -> dict[str, list[Point]]:
    """Each point's cell: the part of the convex `boundary` nearer to it than to any other
    point (a Voronoi diagram clipped to the boundary), counter-clockwise, rounded like
    `outline`. The communities of a district share out its outline this way.

    Distances are taken with longitude shrunk by cos(latitude), as on the ground. A point
    further than twice the cell's farthest corner cannot cut the cell: the nearest points
    are tried first and the rest skipped."""
    if not points:
        return {}
    shrink = math.cos(math.radians(sum(p[1] for p in points.values()) / len(points)))
    flat = {key: (x * shrink, y) for key, (x, y) in points.items()}
    frame = [(x * shrink, y) for x, y in boundary]
    found: dict[str, list[Point]] = {}
    for key, p in flat.items():
        others = sorted(
            (math.dist(p, q), q) for other, q in flat.items() if other != key and q != p
        )
        cell = list(frame)
        for distance, q in others:
            reach = max((math.dist(p, corner) for corner in cell), default=0.0)
            if distance > 2 * reach:
                break
            cell = clip(cell, p, q)
        found[key] = [(round(x / shrink, 6), round(y, 6)) for x, y in cell]
    return found
