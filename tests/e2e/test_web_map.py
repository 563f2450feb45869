"""The dashboard's map in headless Chromium on the local stack: Leaflet (served by the web
function, no CDN) draws every community's outline coloured by its month's coverage and every
district's outline over them, from GET /map/outlines, for the scope shown; the page fetches
nothing beyond 127.0.0.1, and base tiles appear only when the configuration names a tile URL."""

from __future__ import annotations

import math
import urllib.request
from typing import Any
from urllib.parse import urlparse

import pytest

from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import china_now
from tests.e2e.web_pages import Console, api_row, http, new_context, signed_in

pytestmark = pytest.mark.e2e

ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def rate_colour(rate: float | None) -> str:
    """The page's colour of a coverage rate (common.js rateColour)."""
    if rate is None:
        return "#bbb"
    return f"hsl({math.floor(120 * max(0.0, min(1.0, rate)) + 0.5)}, 65%, 45%)"


def open_dashboard(browser: Any, url: str, token: str) -> tuple[Any, Any, Console, list[str]]:
    """The dashboard of this month, and the host of every request the page makes."""
    ctx = new_context(browser, viewport={"width": 1280, "height": 900})
    hosts: list[str] = []
    ctx.on("request", lambda request: hosts.append(urlparse(request.url).hostname or ""))
    page = ctx.new_page()
    console = Console(page)
    month = china_now().strftime("%Y-%m")
    page.goto(f"{url}/app/dashboard.html#month={month}&token={token}")
    return ctx, page, console, hosts


def test_the_map_draws_every_outline_coloured_by_coverage_with_nothing_fetched_elsewhere(
    served: tuple[EventPump, str], small_city: Registry, browser: Any
) -> None:
    url, admin = signed_in(served, "city_admin")
    ctx, page, console, hosts = open_dashboard(browser, url, admin)
    page.wait_for_selector("body[data-ready='city']")
    districts = sorted({c.district_id for c in small_city.communities})
    assert page.locator("#map.leaflet-container").count() == 1
    assert page.locator("#map path.community").count() == len(small_city.communities)
    assert page.locator("#map path.outline").count() == len(districts)
    assert page.locator("#map img.leaflet-tile").count() == 0  # no tile URL configured

    month = china_now().strftime("%Y-%m")
    for community in small_city.communities[:5]:
        shape = page.locator(f"#map path.community[data-community='{community.community_id}']")
        rate = api_row(url, admin, month, f"community:{community.community_id}")["visit_rate"]
        assert shape.get_attribute("fill") == rate_colour(rate), community.community_id
    shapes = http("GET", f"{url}/map/outlines?scope=city", admin)
    kinds = [f["properties"]["kind"] for f in shapes["features"]]
    assert kinds.count("community") == len(small_city.communities)

    # Drilled into a district: its own outline and communities only.
    page.click(f"#children tr[data-scope='district:{districts[0]}']")
    page.wait_for_selector(f"body[data-ready='district:{districts[0]}']")
    inside = [c for c in small_city.communities if c.district_id == districts[0]]
    assert page.locator("#map path.community").count() == len(inside)
    assert page.locator("#map path.outline").count() == 1
    assert page.locator(f"#map path.outline[data-district='{districts[0]}']").count() == 1

    assert set(hosts) == {"127.0.0.1"}
    assert console.errors == []
    ctx.close()


def test_base_tiles_appear_only_when_the_configuration_names_a_tile_url(
    served: tuple[EventPump, str], browser: Any
) -> None:
    url, token = signed_in(served, "district_official", "D01")
    ctx = new_context(browser, viewport={"width": 1280, "height": 900})
    original = http_text(f"{url}/app/config.js")
    configured = original.replace(
        'tileUrl: ""', 'tileUrl: "https://tiles.example.org/{z}/{x}/{y}.png"'
    )
    assert configured != original
    ctx.route(
        "**/app/config.js",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=configured),
    )
    ctx.route("https://tiles.example.org/**", lambda route: route.fulfill(
        status=200, content_type="image/png", body=ONE_PIXEL_PNG))  # fmt: skip
    page = ctx.new_page()
    console = Console(page)
    month = china_now().strftime("%Y-%m")
    page.goto(f"{url}/app/dashboard.html#month={month}&token={token}")
    page.wait_for_selector("body[data-ready='district:D01']")
    page.wait_for_selector("#map img.leaflet-tile-loaded")
    assert page.locator("#map path.outline").count() == 1
    assert console.errors == []
    ctx.close()


def http_text(url: str) -> str:
    """A file of the pages' shell (no token)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode("utf-8"))
