"""Map coordinates as Chinese map services give them, converted to and from WGS-84.

Maps in China do not use WGS-84 (GPS) coordinates: AMap (高德) and Tencent use GCJ-02, the
state's obfuscated datum, and Baidu uses BD-09, a further offset of GCJ-02. A point copied
from either is 300–700 m off in Shenyang if read as WGS-84. CareRoute stores WGS-84 only;
these functions convert at the edges (import and export).

The formulas are the published ones (as in the widely used open-source `eviltransform` and
`coordtransform` libraries). GCJ-02 has no closed-form inverse, so GCJ-02 → WGS-84 is found
by fixed-point iteration on the forward transform until it reproduces the given point within
about 0.1 mm; BD-09 → GCJ-02 is refined the same way. Points outside mainland China's rough
bounding box are not shifted by GCJ-02 (the services leave them as they are).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum

from careroute.domain.vocabulary import GeoPoint


class Crs(StrEnum):
    """A coordinate reference system a point can be written in."""

    WGS84 = "wgs84"
    """GPS, OpenStreetMap, international maps; what CareRoute stores."""
    GCJ02 = "gcj02"
    """AMap (高德), Tencent (腾讯), Apple Maps in China."""
    BD09 = "bd09"
    """Baidu (百度)."""


_AXIS = 6378245.0
"""Semi-major axis of the Krasovsky 1940 ellipsoid the GCJ-02 formulas use."""
_ECCENTRICITY_SQUARED = 0.00669342162296594323
_BD_FACTOR = math.pi * 3000.0 / 180.0
_TOLERANCE_DEGREES = 1e-9
"""Stop iterating when the forward transform lands this close (about 0.1 mm)."""
_MAX_ITERATIONS = 30

_Transform = Callable[[GeoPoint], GeoPoint]


def to_wgs84(point: GeoPoint, crs: Crs) -> GeoPoint:
    """`point`, given in `crs`, as WGS-84."""
    if crs is Crs.WGS84:
        return point
    if crs is Crs.BD09:
        point = bd09_to_gcj02(point)
    return gcj02_to_wgs84(point)


def from_wgs84(point: GeoPoint, crs: Crs) -> GeoPoint:
    """The WGS-84 `point` written in `crs`."""
    if crs is Crs.WGS84:
        return point
    gcj = wgs84_to_gcj02(point)
    return gcj02_to_bd09(gcj) if crs is Crs.BD09 else gcj


def in_china(point: GeoPoint) -> bool:
    """Inside the rough box the services shift (elsewhere GCJ-02 equals WGS-84)."""
    return 72.004 <= point.lng <= 137.8347 and 0.8293 <= point.lat <= 55.8271


def wgs84_to_gcj02(point: GeoPoint) -> GeoPoint:
    """The published GCJ-02 forward transform."""
    if not in_china(point):
        return point
    d_lat, d_lng = _gcj_offset(point.lat, point.lng)
    return GeoPoint(point.lat + d_lat, point.lng + d_lng)


def gcj02_to_wgs84(point: GeoPoint) -> GeoPoint:
    """The WGS-84 point whose GCJ-02 transform is `point`, by fixed-point iteration."""
    if not in_china(point):
        return point
    return _invert(point, wgs84_to_gcj02)


def gcj02_to_bd09(point: GeoPoint) -> GeoPoint:
    """The published BD-09 forward transform (from GCJ-02)."""
    x, y = point.lng, point.lat
    z = math.hypot(x, y) + 0.00002 * math.sin(y * _BD_FACTOR)
    theta = math.atan2(y, x) + 0.000003 * math.cos(x * _BD_FACTOR)
    return GeoPoint(z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065)


def bd09_to_gcj02(point: GeoPoint) -> GeoPoint:
    """The GCJ-02 point whose BD-09 transform is `point`: the published approximate inverse,
    refined by iteration on the forward transform."""
    x, y = point.lng - 0.0065, point.lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _BD_FACTOR)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_FACTOR)
    return _invert(point, gcj02_to_bd09, GeoPoint(z * math.sin(theta), z * math.cos(theta)))


def _invert(target: GeoPoint, forward: _Transform, start: GeoPoint | None = None) -> GeoPoint:
    """The point `forward` maps onto `target`: move the guess by the remaining error until
    the forward transform lands within the tolerance (the offsets vary slowly, so each step
    gains several digits)."""
    lat, lng = (start.lat, start.lng) if start else (target.lat, target.lng)
    for _ in range(_MAX_ITERATIONS):
        landed = forward(GeoPoint(lat, lng))
        error_lat, error_lng = landed.lat - target.lat, landed.lng - target.lng
        if abs(error_lat) < _TOLERANCE_DEGREES and abs(error_lng) < _TOLERANCE_DEGREES:
            break
        lat, lng = lat - error_lat, lng - error_lng
    return GeoPoint(lat, lng)


def _gcj_offset(lat: float, lng: float) -> tuple[float, float]:
    """The GCJ-02 shift (degrees of latitude and longitude) at a WGS-84 point."""
    x, y = lng - 105.0, lat - 35.0
    d_lat = _shift_lat(x, y)
    d_lng = _shift_lng(x, y)
    radians = lat / 180.0 * math.pi
    magic = 1 - _ECCENTRICITY_SQUARED * math.sin(radians) ** 2
    root = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_AXIS * (1 - _ECCENTRICITY_SQUARED)) / (magic * root) * math.pi)
    d_lng = (d_lng * 180.0) / (_AXIS / root * math.cos(radians) * math.pi)
    return d_lat, d_lng


def _wave(a: float) -> float:
    return (20.0 * math.sin(6.0 * a * math.pi) + 20.0 * math.sin(2.0 * a * math.pi)) * 2.0 / 3.0


def _shift_lat(x: float, y: float) -> float:
    shift = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    shift += _wave(x)
    shift += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    shift += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3
    return shift


def _shift_lng(x: float, y: float) -> float:
    shift = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    shift += _wave(x)
    shift += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    shift += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    return shift
