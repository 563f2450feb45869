"""An export table (careroute.service_layer.exports) written as a file an official opens in a
spreadsheet: CSV (UTF-8 with a byte-order mark, so that Excel reads the Chinese headers, and
CRLF line ends) or XLSX (careroute.adapters.export_xlsx: one sheet, the header row frozen).

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
from typing import TYPE_CHECKING

from careroute.domain.export_jobs import ExportFormat as ExportFormat  # re-exported

if TYPE_CHECKING:  # the exports' use cases: the API function loads them where an export runs
    from careroute.service_layer.export_tables import Cell, ExportTable


YES, NO = "是", "否"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a CSV cell as a formula (OWASP's list)."""


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


def export_file(table: ExportTable, kind: ExportFormat, opens_file: bool = True) -> ExportFile:
    """The table written in the format asked for; a CSV that does not open the file (a later
    part of a long export) has no byte-order mark and no header row, so the parts in order
    are the whole file. The XLSX writer is imported on the first XLSX export only."""
    if kind is ExportFormat.CSV:
        body = csv_bytes(table, opens_file)
    else:
        from careroute.adapters.export_xlsx import xlsx_bytes

        body = xlsx_bytes(table)
    return ExportFile(body, CONTENT_TYPES[kind], f"{table.name}.{kind.value}")


def csv_bytes(table: ExportTable, opens_file: bool = True) -> bytes:
    """The table as CSV: the byte-order mark and the Chinese headers (when it opens the
    file), then one line per row."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    if opens_file:
        writer.writerow(column.header for column in table.columns)
    for row in table.rows:
        writer.writerow(csv_cell(value) for value in row)
    return text.getvalue().encode("utf-8-sig" if opens_file else "utf-8")


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
