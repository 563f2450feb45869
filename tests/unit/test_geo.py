"""GCJ-02 and BD-09 (the systems of AMap, Tencent and Baidu) to and from WGS-84: published
reference points within 1 m, and round trips far below that."""

from __future__ import annotations

import pytest

from careroute.domain.geo import (
    Crs,
    bd09_to_gcj02,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_gcj02,
)
from careroute.domain.vocabulary import GeoPoint
from careroute.planning.travel import haversine_m

WGS84_GCJ02 = [
    # WGS-84 and GCJ-02 of the same place, from the test vectors of the open-source
    # `eviltransform` library (github.com/googollee/eviltransform, python/tests).
    pytest.param(
        GeoPoint(31.1774276, 121.5272106),
        GeoPoint(31.17530398364597, 121.531541859215),
        id="shanghai",
    ),
    pytest.param(
        GeoPoint(22.543847, 113.912316),
        GeoPoint(22.540796131694766, 113.9171764808363),
        id="shenzhen",
    ),
    pytest.param(
        GeoPoint(39.911954, 116.377817),
        GeoPoint(39.91334545536069, 116.38404722455657),
        id="beijing",
    ),
    # Near Tiananmen: the GCJ-02 point AMap's own coordinate-convert web service answered for
    # this WGS-84 point, as recorded (marked "api") in the tests of an R package wrapping
    # these transforms; the service's answer, not the formula's, so it checks the formula.
    pytest.param(GeoPoint(39.90734, 116.39089), GeoPoint(39.90874539, 116.39713623), id="amap-api"),
]


@pytest.mark.parametrize(("wgs84", "gcj02"), WGS84_GCJ02)
def test_a_published_gcj02_point_converts_within_a_metre_of_its_wgs84(
    wgs84: GeoPoint, gcj02: GeoPoint
) -> None:
    assert haversine_m(gcj02_to_wgs84(gcj02), wgs84) < 1.0
    assert haversine_m(to_wgs84(gcj02, Crs.GCJ02), wgs84) < 1.0
    assert haversine_m(wgs84_to_gcj02(wgs84), gcj02) < 1.0


def test_a_published_bd09_point_converts_within_a_metre() -> None:
    # Beijing railway station as Baidu and AMap give it (BD-09 39.90851, 116.43351; GCJ-02
    # 39.90245, 116.42703), from the documented example of an R package's bd2gcj (5 decimals,
    # so each value is itself rounded to about 0.6 m).
    baidu, amap = GeoPoint(39.90851, 116.43351), GeoPoint(39.90245, 116.42703)
    assert haversine_m(bd09_to_gcj02(baidu), amap) < 1.0
    assert haversine_m(to_wgs84(baidu, Crs.BD09), gcj02_to_wgs84(amap)) < 1.0


SHENYANG = [
    GeoPoint(41.790524, 123.376754),  # the synthetic city's first community (和平区)
    GeoPoint(41.8057, 123.4315),  # 沈阳故宫, roughly
    GeoPoint(42.0, 122.9),  # 新民, the rural west
]


@pytest.mark.parametrize("point", SHENYANG)
def test_shenyang_is_shifted_by_the_known_offsets(point: GeoPoint) -> None:
    """In Shenyang GCJ-02 lies some 500–600 m from WGS-84 (north-east), and BD-09 about a
    kilometre further on: a point read in the wrong system is visibly in the wrong street."""
    gcj, bd = from_wgs84(point, Crs.GCJ02), from_wgs84(point, Crs.BD09)
    assert 450 < haversine_m(point, gcj) < 700
    assert gcj.lat > point.lat and gcj.lng > point.lng
    assert 1000 < haversine_m(point, bd) < 1700


@pytest.mark.parametrize("point", SHENYANG)
@pytest.mark.parametrize("crs", list(Crs))
def test_a_round_trip_is_far_below_a_millimetre(point: GeoPoint, crs: Crs) -> None:
    assert haversine_m(to_wgs84(from_wgs84(point, crs), crs), point) < 0.001


def test_wgs84_is_unchanged_and_gcj02_leaves_points_outside_china_alone() -> None:
    point = GeoPoint(41.790524, 123.376754)
    assert to_wgs84(point, Crs.WGS84) is point and from_wgs84(point, Crs.WGS84) is point
    paris = GeoPoint(48.8584, 2.2945)
    assert wgs84_to_gcj02(paris) == paris and gcj02_to_wgs84(paris) == paris


def test_bd09_is_the_inverse_of_its_own_forward_transform() -> None:
    gcj = GeoPoint(41.8, 123.4)
    assert haversine_m(bd09_to_gcj02(gcj02_to_bd09(gcj)), gcj) < 0.001
