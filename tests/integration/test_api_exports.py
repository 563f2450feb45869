"""Officials' CSV and XLSX exports over the local stack's HTTP API: the same numbers as the
JSON routes (/coverage, /overdue, /tickets), officials' roles only, the scope checked as the
JSON routes check it, no personal data, and bad parameters answered 422 naming the field."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest

from careroute.domain.vocabulary import (
    CHINA_TZ,
    Registry,
    Tier,
)
from careroute.service_layer.exports import EXPORT_COLUMNS
from careroute_local.pump import EventPump, HttpResponse
from tests.builders import a_visit_to
from tests.conftest import TODAY, china_now
from tests.integration.api_calls import get
from tests.integration.stored_visits import URGENT_AND_NORMAL, active_elders_of, project_visit

MONTH = TODAY.strftime("%Y-%m")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(response: HttpResponse) -> list[dict[str, str]]:
    """The CSV export's rows keyed by English field (the headers checked to be the Chinese ones)."""
    assert response.status == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.body.startswith(b"\xef\xbb\xbf")
    kind = response.headers["content-disposition"].split('filename="')[1].split("_")[0]
    columns = EXPORT_COLUMNS[kind]
    header, *lines = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert header == [c.header for c in columns]
    return [dict(zip([c.field for c in columns], line, strict=True)) for line in lines]


def xlsx_rows(response: HttpResponse, kind: str) -> list[dict[str, Any]]:
    assert response.status == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.body)).active
    assert sheet is not None
    header, *lines = list(sheet.iter_rows(values_only=True))
    columns = EXPORT_COLUMNS[kind]
    assert list(header) == [c.header for c in columns]
    return [dict(zip([c.field for c in columns], line, strict=True)) for line in lines]


def exported(
    pump: EventPump, kind: str, role: str, scope: str | None, query: dict[str, str]
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """The rows of GET /exports/<kind> for `query`, as CSV and as XLSX (each checked as above)."""
    path = f"/exports/{kind}"
    as_csv = csv_rows(get(pump, path, role, scope, query))
    as_xlsx = xlsx_rows(get(pump, path, role, scope, {**query, "format": "xlsx"}), kind)
    return as_csv, as_xlsx


def number(text: str) -> float | None:
    return float(text) if text else None


# --- the same numbers as the JSON routes -------------------------------------------------


def visit_with_two_tickets(pump: EventPump, city: Registry) -> EventPump:
    """`pump`'s stack with one visit of an hour ago in community C0001 (street S001, district
    D01) projected by the real handler: one elder visited in the coverage counters, and two
    tickets (urgent, normal) opened from its findings."""
    steward = next(s for s in city.stewards if s.community_id == "C0001")
    elder = active_elders_of(city, steward)[0]
    visited_at = china_now().astimezone(UTC).replace(microsecond=0) - timedelta(hours=1)
    record = a_visit_to(
        elder, "v-export-1", visited_at, steward_id=steward.steward_id, tier=Tier.T2,
        findings=URGENT_AND_NORMAL,
    )  # fmt: skip
    project_visit(pump, record)
    return pump


@pytest.fixture
def visited(loaded_stack: EventPump, small_city: Registry) -> EventPump:
    return visit_with_two_tickets(loaded_stack, small_city)


def test_the_coverage_export_holds_the_coverage_routes_rows_in_csv_and_xlsx(
    visited: EventPump,
) -> None:
    query = {"month": MONTH, "scope": "district:D01"}
    body = get(visited, "/coverage", "district_official", "D01", query).json()
    assert body["tiers"] and any(row["elders_visited"] for row in body["tiers"])
    as_csv, as_xlsx = exported(visited, "coverage", "district_official", "D01", query)
    assert len(as_csv) == len(as_xlsx) == len(body["tiers"]) == 4
    for row, in_csv, in_xlsx in zip(body["tiers"], as_csv, as_xlsx, strict=True):
        assert in_csv["scope"] == in_xlsx["scope"] == "district:D01"
        assert in_csv["month"] == in_xlsx["month"] == MONTH
        assert in_csv["tier"] == in_xlsx["tier"] == row["tier"]
        for field in ("elders_due", "elders_visited", "visits_made"):
            assert int(in_csv[field]) == in_xlsx[field] == row[field]
        assert number(in_csv["visit_rate"]) == in_xlsx["visit_rate"] == row["visit_rate"]
        for outcome, count in row["outcomes"].items():
            assert int(in_csv[f"outcome_{outcome}"]) == in_xlsx[f"outcome_{outcome}"] == count


def test_the_overdue_export_lists_the_overdue_routes_elders_in_its_order(
    loaded_stack: EventPump,
) -> None:
    later = (TODAY + timedelta(days=40)).isoformat()
    query = {"scope": "street:S001", "on": later}
    body = get(loaded_stack, "/overdue", "street_official", "S001", query).json()
    assert body["count"] > 0
    as_csv, as_xlsx = exported(loaded_stack, "overdue", "street_official", "S001", query)
    assert len(as_csv) == len(as_xlsx) == body["count"]
    for elder, in_csv, in_xlsx in zip(body["elders"], as_csv, as_xlsx, strict=True):
        assert in_csv["elder_id"] == in_xlsx["elder_id"] == elder["elder_id"]
        assert in_csv["community_id"] == in_xlsx["community_id"] == elder["community_id"]
        assert in_csv["tier"] == in_xlsx["tier"] == elder["tier"]
        for field in ("last_visited_on", "deadline"):
            day = in_xlsx[field].date().isoformat() if in_xlsx[field] else None
            assert (in_csv[field] or None) == day == elder[field]
        expected = elder["days_overdue"]
        assert (int(in_csv["days_overdue"]) if in_csv["days_overdue"] else None) == expected
        assert in_xlsx["days_overdue"] == expected


def test_the_tickets_export_holds_the_tickets_routes_rows_with_beijing_times(
    visited: EventPump,
) -> None:
    query = {"scope": "street:S001", "status": "all"}
    body = get(visited, "/tickets", "city_admin", None, query).json()
    assert body["count"] >= 2
    as_csv, as_xlsx = exported(visited, "tickets", "city_admin", None, query)
    assert len(as_csv) == len(as_xlsx) == body["count"]
    for ticket, in_csv, in_xlsx in zip(body["tickets"], as_csv, as_xlsx, strict=True):
        for field in ("ticket_id", "elder_id", "community_id", "category", "severity", "status"):
            assert in_csv[field] == in_xlsx[field] == ticket[field]
        assert in_csv["overdue"] == in_xlsx["overdue"] == ("是" if ticket["overdue"] else "否")
        opened = datetime.fromisoformat(ticket["opened_at"]).astimezone(CHINA_TZ)
        assert in_xlsx["opened_at"] == opened.replace(tzinfo=None)
        assert in_csv["opened_at"] == opened.strftime("%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize("scope", ["city", "district:D01", "street:S001"])
def test_the_tickets_csv_in_parts_of_one_row_joins_into_the_whole_file(
    visited: EventPump, scope: str
) -> None:
    """Each part names the next in X-Next-Cursor; the first alone has the BOM and headers.
    (A district's or the city's whole file is one part of every row, or the file written in
    the background: tests/integration/test_api_export_jobs.py.)"""
    query = {"scope": scope, "status": "open"}
    whole = get(visited, "/exports/tickets", "city_admin", None, {**query, "limit": "5000"})
    assert whole.status == 200 and "x-next-cursor" not in whole.headers
    parts: list[bytes] = []
    after: str | None = None
    while True:
        paged = {**query, "limit": "1"} | ({"after": after} if after else {})
        part = get(visited, "/exports/tickets", "city_admin", None, paged)
        assert part.status == 200, part.text
        assert part.headers["content-disposition"] == whole.headers["content-disposition"]
        parts.append(part.body)
        after = part.headers.get("x-next-cursor")
        if after is None:
            break
    assert len(parts) == len(csv_rows(whole)) == 2  # the visit's urgent and normal tickets
    assert not parts[1].startswith(b"\xef\xbb\xbf")
    assert b"".join(parts) == whole.body


# --- who may export what -----------------------------------------------------------------

EXPORTS = [
    ("/exports/coverage", {"month": MONTH}),
    ("/exports/overdue", {}),
    ("/exports/tickets", {}),
]


@pytest.mark.parametrize(("path", "query"), EXPORTS)
@pytest.mark.parametrize(
    ("role", "scope", "where"),
    [("steward", "W0001", "community:C0001"), ("inspector", "D01", "district:D01"),
     ("district_official", "D02", "district:D01"), ("street_official", "S001", "street:S002"),
     ("worker", "K001", "community:C0001")],
)  # fmt: skip
def test_an_export_is_refused_to_other_roles_and_outside_the_callers_scope(
    loaded_stack: EventPump,
    path: str,
    query: dict[str, str],
    role: str,
    scope: str,
    where: str,
) -> None:
    in_parts = {"limit": "100"} if path == "/exports/tickets" else {}  # a wide list: in parts
    response = get(loaded_stack, path, role, scope, {**query, "scope": where, **in_parts})
    assert response.status == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("path", "query"), EXPORTS)
def test_an_official_exports_a_scope_inside_their_own(
    loaded_stack: EventPump, path: str, query: dict[str, str]
) -> None:
    response = get(loaded_stack, path, "district_official", "D01",
                   {**query, "scope": "street:S001", "format": "xlsx"})  # fmt: skip
    assert response.status == 200, response.text
    assert response.headers["content-type"] == XLSX


def test_no_export_carries_a_name_a_phone_or_a_guardian(
    visited: EventPump, small_city: Registry
) -> None:
    personal = {
        text
        for e in small_city.elders
        for text in (e.name, e.address, e.phone, e.guardian, e.guardian_phone)
        if text
    }
    assert personal
    later = (TODAY + timedelta(days=70)).isoformat()
    exports = [
        ("/exports/coverage", {"month": MONTH}),
        ("/exports/overdue", {"on": later}),
        ("/exports/tickets", {"status": "all", "limit": "5000"}),
    ]
    for path, query in exports:
        response = get(visited, path, "city_admin", None, {**query, "scope": "city"})
        text = response.body.decode("utf-8-sig")
        assert response.status == 200 and text.count("\n") >= 2, path
        assert not [p for p in personal if p in text], path


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [("/exports/coverage", {"month": MONTH, "format": "pdf"}, "format"),
     ("/exports/coverage", {"month": "2026-13"}, "month"),
     ("/exports/coverage", {}, "month"),
     ("/exports/overdue", {"on": "2026-02-30"}, "on"),
     ("/exports/overdue", {"scope": "planet:X"}, "scope"),
     ("/exports/tickets", {"scope": "city", "status": "late"}, "status"),
     ("/exports/tickets", {}, "scope"),
     ("/exports/tickets", {"scope": "city", "format": "xlsx", "limit": "10"}, "format"),
     ("/exports/tickets", {"scope": "city", "limit": "0"}, "limit"),
     ("/exports/tickets", {"scope": "city", "limit": "10", "after": "not-a-cursor"}, "cursor")],
)  # fmt: skip
def test_a_bad_parameter_is_422_naming_the_field(
    loaded_stack: EventPump, path: str, query: dict[str, str], field: str
) -> None:
    response = get(loaded_stack, path, "city_admin", None, query)
    assert response.status == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and field in error["message"]


def test_an_unknown_scope_is_404_as_on_the_coverage_route(loaded_stack: EventPump) -> None:
    response = get(loaded_stack, "/exports/coverage", "city_admin", None,
                   {"month": MONTH, "scope": "district:D99"})  # fmt: skip
    assert response.status == 404, response.text


def test_the_file_is_named_after_the_export_scope_and_month(loaded_stack: EventPump) -> None:
    response = get(loaded_stack, "/exports/coverage", "city_admin", None,
                   {"month": MONTH, "scope": "district:D01", "format": "xlsx"})  # fmt: skip
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="coverage_district-D01_{MONTH}.xlsx"'
