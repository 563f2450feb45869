"""An export table written as an XLSX workbook with openpyxl: one sheet, the Chinese headers
bold and frozen, each cell as careroute.adapters.export_files writes it in CSV, but a count,
share, day or time as a number, date or time cell, and text always as text (never a formula).

Imported on the first XLSX export only (careroute.adapters.export_files.export_file)."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from careroute.adapters.export_files import NO, YES, csv_cell
from careroute.service_layer.exports import Cell, ExportTable

DAY_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
SHARE_FORMAT = "0.00%"
SHARE_FIELDS = frozenset({"visit_rate"})
"""Columns holding a share (0..1): shown as a percentage."""
SHEET_TITLE_LIMIT = 31
"""Excel's longest sheet name."""


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
