"""WebFunction through the local HTTP API: the vendored Leaflet release is served like the
shell (no token, its own bytes, images as images, nothing else under its folder), and GET
/map/outlines is GeoJSON of the scope's district and community outlines, scoped like /map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import bearer
from tests.integration.api_calls import static_file

LEAFLET = (
    Path(__file__).resolve().parents[2] / "functions" / "web" / "static" / "vendor" / "leaflet"
)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("leaflet.js", "text/javascript"),
        ("leaflet.css", "text/css"),
        ("images/layers.png", "image/png"),
        ("images/marker-icon.png", "image/png"),
    ],
)
def test_the_vendored_leaflet_is_served_as_released_without_a_token(
    read_only_stack: EventPump, path: str, content_type: str
) -> None:
    response = static_file(read_only_stack, f"vendor/leaflet/{path}", content_type)
    assert response.body == (LEAFLET / path).read_bytes()


@pytest.mark.parametrize(
    "path",
    ["vendor/leaflet/LICENSE", "vendor/leaflet/README.md", "vendor/leaflet/nope.js",
     "vendor/leaflet/images/nope.png", "vendor/other/leaflet.js", "leaflet.js"],
)  # fmt: skip
def test_nothing_else_under_the_vendor_folder_is_served(
    read_only_stack: EventPump, path: str
) -> None:
    assert read_only_stack.invoke_http("GET", f"/app/{path}").status == 404


def test_the_outlines_are_geojson_of_the_scopes_districts_and_communities(
    read_only_stack: EventPump, small_city: Registry
) -> None:
    assert read_only_stack.invoke_http("GET", "/map/outlines").status == 401
    district = small_city.communities[0].district_id
    response = read_only_stack.invoke_http(
        "GET",
        f"/map/outlines?scope=district:{district}",
        headers=bearer(read_only_stack, "city_admin"),
    )
    assert response.status == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["scope"] == f"district:{district}"
    kinds = [f["properties"]["kind"] for f in body["features"]]
    inside = {c.community_id for c in small_city.communities if c.district_id == district}
    assert kinds.count("district") == 1
    assert {
        f["properties"]["community_id"]
        for f in body["features"]
        if f["properties"]["kind"] == "community"
    } == inside
    for feature in body["features"]:
        (ring,) = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Polygon" and ring[0] == ring[-1] and len(ring) >= 4
    assert "elder" not in json.dumps(body)


def test_a_street_official_reads_the_outlines_of_their_street_only(
    read_only_stack: EventPump, small_city: Registry
) -> None:
    street = small_city.communities[0].street_id
    token = bearer(read_only_stack, "street_official", street)
    assert (
        read_only_stack.invoke_http("GET", "/map/outlines?scope=city", headers=token).status == 403
    )
    body = read_only_stack.invoke_http(
        "GET", f"/map/outlines?scope=street:{street}", headers=token
    ).json()
    shown = {f["properties"].get("community_id") for f in body["features"]} - {None}
    assert shown == {c.community_id for c in small_city.communities if c.street_id == street}
