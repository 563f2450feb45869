"""Community outlines: a district's outline shared out among its communities (each the part
nearer to it than to the others), as a map draws them, and the GeoJSON a scope's map is."""

from __future__ import annotations

import math
import random

from careroute.domain.map_geometry import Point, cells, clip, outline


def area(ring: list[Point]) -> float:
    """Shoelace area of a ring (counter-clockwise: positive)."""
    return (
        sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True)) / 2
    )


def inside(p: Point, ring: list[Point]) -> bool:
    """Inside or on a counter-clockwise convex ring."""
    return all(
        (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= -1e-9
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True)
    )


SQUARE = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]


def test_clip_keeps_the_half_nearer_to_the_point_kept() -> None:
    half = clip(SQUARE, (0.5, 1.0), (1.5, 1.0))
    assert sorted(half) == [(0.0, 0.0), (0.0, 2.0), (1.0, 0.0), (1.0, 2.0)]


def test_two_points_split_the_outline_along_their_bisector() -> None:
    found = cells({"A": (0.5, 1.0), "B": (1.5, 1.0)}, SQUARE)
    assert math.isclose(area(found["A"]), area(found["B"]), rel_tol=1e-3)


def test_the_cells_tile_the_outline_and_each_holds_its_own_point_only() -> None:
    rng = random.Random(7)
    points = {
        f"C{n:03d}": (123.4 + rng.random() * 0.1, 41.8 + rng.random() * 0.1) for n in range(60)
    }
    boundary = outline(list(points.values()))
    found = cells(points, boundary)
    assert set(found) == set(points)
    assert math.isclose(sum(area(r) for r in found.values()), area(boundary), rel_tol=1e-4)
    for key, ring in found.items():
        assert inside(points[key], ring)
        assert area(ring) > 0
        others = [p for k, p in points.items() if k != key]
        assert not any(inside(p, ring) for p in others if p != points[key])


def test_a_lone_community_gets_the_whole_outline() -> None:
    boundary = outline([(123.4, 41.8)])
    assert cells({"C1": (123.4, 41.8)}, boundary) == {
        "C1": [(round(x, 6), round(y, 6)) for x, y in boundary]
    }
    assert cells({}, boundary) == {}
