"""The dashboard's ticket export in headless Chromium on the local stack: a city's open
tickets are thousands, so the button asks for the file to be written in the background
(POST /exports/tickets), reads the job until it is done, and saves the file its link leads
to, byte for byte the synchronous export of the same list (its one part of every row)."""

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


def synchronous_file(url: str, token: str) -> bytes:
    """The city's open tickets as the synchronous export writes them (one part of them all)."""
    query = "scope=city&status=open&limit=5000"
    request = urllib.request.Request(f"{url}/exports/tickets?{query}")
    request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers.get("x-next-cursor") is None
        return bytes(response.read())


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_ticket_export_button_saves_the_file_written_in_the_background(
    served: tuple[EventPump, str], browser: Any, small_city: Registry, kind: str
) -> None:
    pump, url = served
    steward = small_city.stewards[-1]
    elder = active_elders_of(small_city, steward)[0]
    visited_at = china_now().astimezone(UTC).replace(microsecond=0) - timedelta(hours=1)
    project_visit(pump, a_visit_to(
        elder, f"v-e2e-ticket-export-{kind}", visited_at, steward_id=steward.steward_id,
        tier=Tier.T2, findings=URGENT_AND_NORMAL,
    ))  # fmt: skip
    admin = pump.issuer.token("city_admin")
    expected = synchronous_file(url, admin)
    assert expected.count(b"\r\n") - 1 >= 2

    ctx = new_context(browser)
    asked: list[str] = []
    ctx.on("request", lambda request: asked.append(f"{request.method} {request.url}"))
    page = ctx.new_page()
    console = Console(page)
    page.goto(f"{url}/app/dashboard.html#month={china_now():%Y-%m}&token={admin}")
    wait_shown(page, "body[data-exports='city']", console)
    with pump.polling("ExportJobsQueue"), page.expect_download(timeout=60_000) as saving:
        button = f"tr[data-export=tickets] button[data-format={kind}]"
        page.get_by_test_id("exports").locator(button).click()
    assert saving.value.suggested_filename == f"tickets_city_open.{kind}"
    saved = Path(saving.value.path()).read_bytes()
    if kind == "csv":
        assert saved == expected
    else:
        assert saved.startswith(b"PK")  # a zip: the XLSX's rows are checked in test_api_export_jobs
    posts = [a for a in asked if a.startswith("POST ") and a.endswith("/exports/tickets")]
    polls = [a for a in asked if a.startswith("GET ") and "/exports/jobs/" in a]
    assert len(posts) == 1 and len(polls) >= 1
    assert not [a for a in asked if "/exports/tickets?" in a]  # no synchronous export
    assert page.get_by_test_id("export-status").text_content() == ""
    assert console.errors == []
    ctx.close()
