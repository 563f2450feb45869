"""Map geometry drawn from the project's own data: district outlines around their communities.

The web pages draw the city without base-map tiles (no internet at run time), so each
district's outline is the convex hull of its communities' points, padded a little so a lone
or collinear community still shows as an area. Pure: no AWS imports.
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
