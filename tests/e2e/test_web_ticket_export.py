"""The dashboard's ticket export in headless Chromium on the local stack: the CSV comes in
parts (a city's open tickets are thousands), which the export button fetches one after the
other, following X-Next-Cursor, and saves as one file, byte for byte the API's whole file."""

from __future__ import annotations

import urllib.request
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest

from careroute.domain.vocabulary import Registry, Tier
from careroute_local.pump import EventPump
from tests.builders import a_visit_to
from tests.conftest import china_now
from tests.e2e.web_pages import Console, new_context, wait_shown
from tests.integration.stored_visits import URGENT_AND_NORMAL, active_elders_of, project_visit

pytestmark = pytest.mark.e2e


def whole_file(url: str, token: str) -> bytes:
    """The city's open tickets as one CSV (no `limit`), as the API writes it."""
    request = urllib.request.Request(f"{url}/exports/tickets?scope=city&status=open")
    request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return bytes(response.read())


def test_the_ticket_export_button_saves_the_parts_as_the_whole_file(
    served: tuple[EventPump, str], browser: Any, small_city: Registry
) -> None:
    pump, url = served
    steward = small_city.stewards[-1]
    elder = active_elders_of(small_city, steward)[0]
    visited_at = china_now().astimezone(UTC).replace(microsecond=0) - timedelta(hours=1)
    project_visit(pump, a_visit_to(
        elder, "v-e2e-ticket-export", visited_at, steward_id=steward.steward_id, tier=Tier.T2,
        findings=URGENT_AND_NORMAL,
    ))  # fmt: skip
    admin = pump.issuer.token("city_admin")
    whole = whole_file(url, admin)
    rows = whole.count(b"\r\n") - 1
    assert rows >= 2

    ctx = new_context(browser)
    asked: list[str] = []

    def one_row_a_part(route: Any) -> None:
        """The page asks for parts of 1,000 rows; one row a part makes it follow the cursor."""
        asked.append(route.request.url)
        route.continue_(url=route.request.url.replace("limit=1000", "limit=1"))

    ctx.route("**/exports/tickets?*", one_row_a_part)
    page = ctx.new_page()
    console = Console(page)
    page.goto(f"{url}/app/dashboard.html#month={china_now():%Y-%m}&token={admin}")
    wait_shown(page, "body[data-exports='city']", console)
    with page.expect_download() as saving:
        button = "tr[data-export=tickets] button[data-format=csv]"
        page.get_by_test_id("exports").locator(button).click()
    assert saving.value.suggested_filename == "tickets_city_open.csv"
    assert Path(saving.value.path()).read_bytes() == whole
    assert len(asked) == rows
    assert all("limit=1000" in part for part in asked)
    assert sum("after=" in part for part in asked) == rows - 1
    assert console.errors == []
    ctx.close()
