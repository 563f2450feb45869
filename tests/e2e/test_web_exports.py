"""The dashboard's export buttons in headless Chromium on the local stack: each saves the file
the API gives for the scope and month shown (the numbers of GET /coverage in the XLSX read
back with openpyxl, the overdue list and the month's misses as CSV), and the panel stays
hidden while the exports do not answer."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from careroute_local.pump import EventPump
from tests.conftest import china_now
from tests.e2e.web_pages import http, new_context, open_page, signed_in, wait_shown

pytestmark = pytest.mark.e2e


def test_the_export_buttons_save_the_apis_files_for_the_scope_shown(
    served: tuple[EventPump, str], browser: Any
) -> None:
    url, token = signed_in(served, "district_official", "D01")
    month = china_now().strftime("%Y-%m")
    ctx, page, console = open_page(browser, f"{url}/app/dashboard.html#month={month}&token={token}")
    wait_shown(page, "body[data-exports='district:D01']", console)
    panel = page.get_by_test_id("exports")
    assert panel.is_visible()
    assert panel.locator("tr[data-export] button").count() == 8

    with page.expect_download() as saving:
        panel.locator("tr[data-export=coverage] button[data-format=xlsx]").click()
    saved = saving.value
    assert saved.suggested_filename == f"coverage_district-D01_{month}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(saved.path()).read_bytes())).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:4] == ("范围", "月份", "风险等级", "应访老人数")
    tiers = http("GET", f"{url}/coverage?month={month}&scope=district:D01", token)["tiers"]
    assert [(r[2], r[3], r[4]) for r in rows] == [
        (t["tier"], t["elders_due"], t["elders_visited"]) for t in tiers
    ]

    with page.expect_download() as saving:
        panel.locator("tr[data-export=overdue] button[data-format=csv]").click()
    text = Path(saving.value.path()).read_text("utf-8-sig")
    overdue = http("GET", f"{url}/overdue?scope=district:D01", token)
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert header[0] == "老人编号"
    assert [line[0] for line in lines] == [e["elder_id"] for e in overdue["elders"]]

    with page.expect_download() as saving:
        panel.locator("tr[data-export=misses] button[data-format=csv]").click()
    assert saving.value.suggested_filename == f"misses_district-D01_{month}.csv"
    header, *_ = list(csv.reader(io.StringIO(Path(saving.value.path()).read_text("utf-8-sig"))))
    assert header[0] == "老人编号" and header[-1] == "原因"
    assert console.errors == []
    ctx.close()


def test_the_export_panel_stays_hidden_while_the_exports_do_not_answer(
    served: tuple[EventPump, str], browser: Any
) -> None:
    url, admin = signed_in(served, "city_admin")
    month = china_now().strftime("%Y-%m")
    ctx = new_context(browser)
    ctx.route("**/exports/*", lambda route: route.fulfill(status=404, body="{}"))
    page = ctx.new_page()
    page.goto(f"{url}/app/dashboard.html#month={month}&token={admin}")
    page.wait_for_selector("body[data-exports='city']")
    assert page.get_by_test_id("exports").is_hidden()
    assert page.get_by_test_id("elders_due").inner_text() != ""
    ctx.close()
