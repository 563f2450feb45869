"""The map of a scope as GeoJSON: each district's outline and each community's, for a map
library (the dashboard's Leaflet) to draw and colour by coverage. Built from GET /map's
document (careroute.service_layer.dashboard.scope_map), so it is scoped the same way and
holds no elder data: communities only."""

from __future__ import annotations

from typing import Any

from careroute.domain.access import Caller
from careroute.domain.map_geometry import Point, cells
from careroute.service_layer.dashboard import DashboardReading, scope_map


def scope_outlines(who: Caller, scope_text: str, ports: DashboardReading) -> dict[str, Any]:
    """A FeatureCollection: one Polygon per district (`kind` "district") and one per
    community (`kind` "community", its cell of the district's outline), [lng, lat] rings."""
    doc = scope_map(who, scope_text, ports)
    features = [
        _polygon(
            [(p[0], p[1]) for p in d["outline"]],
            {"kind": "district", "district_id": d["district_id"], "name": d["name"]},
        )
        for d in doc["districts"]
    ]
    for district in doc["districts"]:
        inside = [c for c in doc["communities"] if c["district_id"] == district["district_id"]]
        points = {c["community_id"]: (c["lng"], c["lat"]) for c in inside}
        shares = cells(points, [(p[0], p[1]) for p in district["outline"]])
        features += [
            _polygon(
                shares[c["community_id"]],
                {
                    "kind": "community",
                    "community_id": c["community_id"],
                    "street_id": c["street_id"],
                    "district_id": c["district_id"],
                    "name": c["name"],
                },
            )
            for c in inside
        ]
    return {"type": "FeatureCollection", "scope": doc["scope"], "features": features}


def _polygon(ring: list[Point], properties: dict[str, str]) -> dict[str, Any]:
    """A GeoJSON Polygon feature; its ring closed (first corner repeated), as the format asks."""
    closed = [[x, y] for x, y in [*ring, *ring[:1]]]
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [closed]},
    }
