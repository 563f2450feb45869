"""An export table (careroute.service_layer.exports) written as a file an official opens in a
spreadsheet: CSV (UTF-8 with a byte-order mark, so that Excel reads the Chinese headers, and
CRLF line ends) or XLSX (openpyxl, one sheet, the header row frozen).

Cells are written alike in both: a count or share as a number, yes/no as 是/否, a day as
YYYY-MM-DD, a time as YYYY-MM-DD HH:MM:SS (a date or time cell in XLSX), nothing as an empty
cell. Text is never read as a formula: a CSV cell starting with = + - @ (or a tab or carriage
return) gets a leading apostrophe, as spreadsheets expect, and an XLSX cell is stored as text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from careroute.service_layer.exports import Cell, ExportTable

YES, NO = "是", "否"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a CSV cell as a formula (OWASP's list)."""
DAY_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
SHARE_FORMAT = "0.00%"
SHARE_FIELDS = frozenset({"visit_rate"})
"""Columns holding a share (0..1): shown as a percentage in XLSX."""
SHEET_TITLE_LIMIT = 31
"""Excel's longest sheet name."""


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class ExportFile:
    """The bytes of one export, its media type and its file name."""

    body: bytes
    content_type: str
    file_name: str

    @property
    def disposition(self) -> str:
        """The Content-Disposition header that makes a browser save it under its name."""
        return f'attachment; filename="{self.file_name}"'


CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_file(table: ExportTable, kind: ExportFormat) -> ExportFile:
    """The table written in the format asked for."""
    body = csv_bytes(table) if kind is ExportFormat.CSV else xlsx_bytes(table)
    return ExportFile(body, CONTENT_TYPES[kind], f"{table.name}.{kind.value}")


def csv_bytes(table: ExportTable) -> bytes:
    """The table as CSV: the Chinese headers, then one line per row."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(column.header for column in table.columns)
    for row in table.rows:
        writer.writerow(csv_cell(value) for value in row)
    return text.getvalue().encode("utf-8-sig")


def csv_cell(value: Cell) -> str:
    """One cell's text in a CSV export."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def xlsx_bytes(table: ExportTable) -> bytes:
    """The table as an XLSX workbook of one sheet: the Chinese headers in bold and frozen, then
    one row per row, columns wide enough for their longest text."""
    workbook = Workbook(write_only=True)
    sheet: Worksheet = workbook.create_sheet(table.title[:SHEET_TITLE_LIMIT])
    for index, width in enumerate(_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    fields = [column.field for column in table.columns]
    for row in table.rows:
        sheet.append(
            [_xlsx_cell(sheet, field, value) for field, value in zip(fields, row, strict=True)]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Worksheet, field: str, value: Cell) -> WriteOnlyCell:
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value=YES if value else NO)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with "=" (never a formula)
    elif isinstance(value, datetime):
        cell.number_format = TIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DAY_FORMAT
    elif field in SHARE_FIELDS and value is not None:
        cell.number_format = SHARE_FORMAT
    return cell


def _widths(table: ExportTable) -> list[float]:
    """Each column's width in characters: its longest cell (a Chinese character counts two),
    between 8 and 40."""
    widths = []
    for index, column in enumerate(table.columns):
        texts = [column.header, *(csv_cell(row[index]) for row in table.rows)]
        longest = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) for text in texts)
        widths.append(float(min(max(longest + 2, 8), 40)))
    return widths
