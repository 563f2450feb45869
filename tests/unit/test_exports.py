"""Officials' exports as files: an export table written as CSV and XLSX bytes (Chinese headers,
cells written alike, text never a formula, the XLSX read back with openpyxl), the tables made
from the JSON reads' answers, and who may export."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from careroute.adapters.export_files import ExportFormat, csv_bytes, export_file
from careroute.adapters.export_xlsx import xlsx_bytes
from careroute.domain.access import Caller, Role
from careroute.domain.errors import ForbiddenError
from careroute.domain.vocabulary import Outcome, Tier
from careroute.messages.api import OverdueElder, OverdueList, TicketList, TicketRow
from careroute.observability import PERSONAL_KEYS
from careroute.service_layer.exports import (
    EXPORT_COLUMNS,
    OUTCOME_HEADERS,
    Column,
    ExportTable,
    overdue_table,
    require_exporter,
    tickets_table,
)

CJK = re.compile(r"[\u4e00-\u9fff]")

A_TABLE = ExportTable(
    name="sample_city_2026-12",
    title="样例",
    columns=(
        Column("elder_id", "老人编号"),
        Column("visit_rate", "探访率"),
        Column("overdue", "是否超时"),
        Column("deadline", "探访截止日期"),
        Column("opened_at", "创建时间(北京时间)"),
        Column("result", "办理结果"),
    ),
    rows=[
        ("E0001", 0.9512, True, date(2026, 12, 3), datetime(2026, 12, 1, 9, 30), "=1+2"),
        ("E0002", None, False, None, None, "已上门, 修好"),
    ],
)


def read_xlsx(body: bytes) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


# --- CSV ---------------------------------------------------------------------------------


def test_the_csv_starts_with_a_byte_order_mark_and_the_chinese_headers_in_column_order() -> None:
    body = csv_bytes(A_TABLE)
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "老人编号,探访率,是否超时,探访截止日期,创建时间(北京时间),办理结果"
    assert lines[-1] == "" and len(lines) == 1 + len(A_TABLE.rows) + 1


def test_csv_cells_are_numbers_yes_no_days_and_times_and_empty_for_nothing() -> None:
    _, first, second = csv.reader(io.StringIO(csv_bytes(A_TABLE).decode("utf-8-sig")))
    assert first == ["E0001", "0.9512", "是", "2026-12-03", "2026-12-01 09:30:00", "'=1+2"]
    assert second == ["E0002", "", "否", "", "", "已上门, 修好"]


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"])
def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_quoted(text: str) -> None:
    table = ExportTable("t", "t", (Column("result", "结果"),), [(text,)])
    [_, [cell]] = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"), newline="")))
    assert cell == "'" + text


# --- XLSX --------------------------------------------------------------------------------


def test_the_xlsx_reads_back_with_openpyxl_as_the_table_it_was_written_from() -> None:
    header, first, second = read_xlsx(xlsx_bytes(A_TABLE))
    assert list(header) == [c.header for c in A_TABLE.columns]
    assert first == (
        "E0001", 0.9512, "是", datetime(2026, 12, 3), datetime(2026, 12, 1, 9, 30), "=1+2"
    )  # fmt: skip
    assert second == ("E0002", None, "否", None, None, "已上门, 修好")


def test_the_xlsx_header_is_bold_and_frozen_and_cells_keep_their_formats() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(A_TABLE))).active
    assert sheet is not None
    assert sheet.title == "样例" and sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    rate, _, deadline, opened, result = (sheet.cell(2, n) for n in (2, 3, 4, 5, 6))
    assert rate.number_format == "0.00%"
    assert deadline.number_format == "yyyy-mm-dd" and deadline.is_date
    assert opened.number_format == "yyyy-mm-dd hh:mm:ss" and opened.is_date
    assert result.data_type == "s", "text that starts with = must stay text, not a formula"


def test_the_xlsx_keeps_markup_characters_as_text_and_drops_what_xml_cannot_hold() -> None:
    columns = tuple(Column(f"c{n}", f"列{n}") for n in range(28))  # past Z: AA, AB
    row = ('<a & b> "q"', " lead", "bell\x07", *range(25))
    table = ExportTable("marks", "标记", columns, [row])
    header, written = read_xlsx(xlsx_bytes(table))
    assert header[-1] == "列27"
    assert written == ('<a & b> "q"', " lead", "bell", *range(25))


def test_an_empty_table_is_a_header_row_alone_in_both_formats() -> None:
    table = ExportTable("empty", "空", A_TABLE.columns, [])
    assert read_xlsx(xlsx_bytes(table)) == [tuple(c.header for c in A_TABLE.columns)]
    assert csv_bytes(table).decode("utf-8-sig").count("\r\n") == 1


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [(ExportFormat.CSV, "text/csv; charset=utf-8"),
     (ExportFormat.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")],
)  # fmt: skip
def test_the_file_carries_its_media_type_and_a_download_name(
    kind: ExportFormat, content_type: str
) -> None:
    written = export_file(A_TABLE, kind)
    assert written.content_type == content_type
    assert written.disposition == f'attachment; filename="sample_city_2026-12.{kind.value}"'


def test_the_api_routes_import_without_loading_openpyxl() -> None:
    """The API never loads openpyxl (the XLSX is written without it; tests read it back)."""
    probe = "import sys, careroute.entrypoints.api_routes.exports;print('openpyxl' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert found.stdout.strip() == "False"


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="2 cells under 1 columns"):
        ExportTable("t", "t", (Column("a", "甲"),), [("x", "y")])


# --- the exports' columns ----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(EXPORT_COLUMNS))
def test_every_export_has_unique_chinese_headers_and_no_personal_field(kind: str) -> None:
    columns = EXPORT_COLUMNS[kind]
    assert len(columns) >= 6
    assert len({c.field for c in columns}) == len({c.header for c in columns}) == len(columns)
    assert all(CJK.search(c.header) for c in columns), [c.header for c in columns]
    assert not {c.field for c in columns} & PERSONAL_KEYS


def test_the_api_docs_name_every_exports_columns_field_and_chinese_header() -> None:
    docs = Path(__file__).parents[2] / "docs" / "api.md"
    section = docs.read_text("utf-8").split("## Exports (CSV, XLSX)")[1].split("\n## ")[0]
    flat = " ".join(section.split())
    for kind, columns in EXPORT_COLUMNS.items():
        for column in columns:
            assert f"{column.header} `{column.field}`" in flat, (kind, column)


def test_every_visit_outcome_has_a_chinese_header_in_the_coverage_export() -> None:
    assert set(OUTCOME_HEADERS) == {o.value for o in Outcome}
    fields = {c.field for c in EXPORT_COLUMNS["coverage"]}
    assert {f"outcome_{o.value}" for o in Outcome} <= fields


def test_the_overdue_table_keeps_the_order_and_a_never_visited_elder_has_no_deadline() -> None:
    overdue = OverdueList(
        scope="street:S001",
        on=date(2026, 12, 20),
        count=2,
        elders=[
            OverdueElder(elder_id="E2", community_id="C0001", tier=Tier.T3,
                         last_visited_on=None, deadline=None, days_overdue=None),
            OverdueElder(elder_id="E1", community_id="C0002", tier=Tier.T1,
                         last_visited_on=date(2026, 12, 1), deadline=date(2026, 12, 8),
                         days_overdue=12),
        ],
    )  # fmt: skip
    table = overdue_table(overdue)
    assert table.name == "overdue_street-S001_2026-12-20"
    assert table.rows == [
        ("E2", "C0001", "T3", None, None, None),
        ("E1", "C0002", "T1", date(2026, 12, 1), date(2026, 12, 8), 12),
    ]


def test_the_tickets_table_gives_its_times_in_beijing_time() -> None:
    row = TicketRow(
        ticket_id="T-1", visit_id="", elder_id="E1", community_id="C0001", street_id="S001",
        district_id="D01", category="subsidy_eligibility", severity="normal", level="street",
        status="open", overdue=True, opened_at=datetime(2026, 12, 1, 17, 30, tzinfo=UTC),
        due_at=datetime(2026, 12, 8, 17, 30, tzinfo=UTC), source="benefit",
        benefit="high_age_90: 300 yuan/month",
    )  # fmt: skip
    table = tickets_table(TicketList(scope="city", status="open", count=1, tickets=[row]))
    [cells] = table.rows
    by_field = dict(zip([c.field for c in table.columns], cells, strict=True))
    assert by_field["opened_at"] == datetime(2026, 12, 2, 1, 30)
    assert by_field["due_at"] == datetime(2026, 12, 9, 1, 30)
    assert by_field["closed_at"] is None and by_field["visit_id"] is None
    assert by_field["overdue"] is True and by_field["benefit"] == "high_age_90: 300 yuan/month"
    assert table.name == "tickets_city_open"


# --- who may export ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.STREET_OFFICIAL, Role.DISTRICT_OFFICIAL, Role.CITY_ADMIN])
def test_officials_and_the_city_admin_may_export(role: Role) -> None:
    require_exporter(Caller("u1", role, "" if role is Role.CITY_ADMIN else "X01"))


@pytest.mark.parametrize(
    "role", [Role.STEWARD, Role.INSPECTOR, Role.ASSESSOR, Role.WORKER, Role.FAMILY,
             Role.CALL_CENTRE]
)  # fmt: skip
def test_no_other_role_may_export(role: Role) -> None:
    with pytest.raises(ForbiddenError):
        require_exporter(Caller("u1", role, "X01"))
