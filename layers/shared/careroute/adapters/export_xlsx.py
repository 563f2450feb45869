"""An export table written as an XLSX workbook: one sheet, the Chinese headers bold and frozen,
each cell as careroute.adapters.export_files writes it in CSV, but a count, share, day or time
as a number, date or time cell, and text always as text (never a formula).

The sheet's XML is written here directly (Office Open XML, SpreadsheetML: inline strings, five
cell styles) rather than through openpyxl, whose pure-Python writer spent 4-7 s on a city's
7,000 ticket rows, where this takes a fraction of a second; the tests read the files back with
openpyxl."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from xml.sax.saxutils import escape

from careroute.adapters.export_files import NO, YES, csv_cell
from careroute.service_layer.export_tables import Cell, ExportTable

SHARE_FIELDS = frozenset({"visit_rate"})
"""Columns holding a share (0..1): shown as a percentage."""
SHEET_TITLE_LIMIT = 31
"""Excel's longest sheet name."""
EXCEL_EPOCH = datetime(1899, 12, 30)
"""Day 0 of Excel's serial dates (1900 date system)."""
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: left out of a cell's text."""

PLAIN, BOLD, DAY, TIME, SHARE = range(5)
"""The cell styles of styles.xml, by index: a header is bold; a day, a time and a share carry
their number format ("yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "0.00%")."""

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OFFICE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE}.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELATIONSHIPS = (
    f'{HEAD}<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELATIONSHIPS = (
    f'{HEAD}<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    f'{HEAD}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def xlsx_bytes(table: ExportTable) -> bytes:
    """The table as an XLSX workbook of one sheet: the Chinese headers in bold and frozen, then
    one row per row, columns wide enough for their longest text."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELATIONSHIPS)
        package.writestr("xl/workbook.xml", _workbook(table.title[:SHEET_TITLE_LIMIT]))
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONSHIPS)
        package.writestr("xl/styles.xml", STYLES)
        package.writestr("xl/worksheets/sheet1.xml", _sheet(table))
    return out.getvalue()


def _workbook(title: str) -> str:
    return (
        f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        f'<sheet name="{_text(title)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _sheet(table: ExportTable) -> str:
    letters = [_column_letter(n) for n in range(len(table.columns))]
    widths = "".join(
        f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
        for n, width in enumerate(_widths(table), start=1)
    )
    header = "".join(
        _string(f"{letter}1", column.header, BOLD)
        for letter, column in zip(letters, table.columns, strict=True)
    )
    rows = [f'<row r="1">{header}</row>']
    shares = [column.field in SHARE_FIELDS for column in table.columns]
    for number, row in enumerate(table.rows, start=2):
        cells = "".join(
            _cell(f"{letter}{number}", value, share)
            for letter, value, share in zip(letters, row, shares, strict=True)
        )
        rows.append(f'<row r="{number}">{cells}</row>')
    frozen = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    return (
        f'{HEAD}<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0">{frozen}'
        f'<selection pane="bottomLeft"/></sheetView></sheetViews><cols>{widths}</cols>'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )


def _cell(ref: str, value: Cell, share: bool) -> str:
    """One cell's XML; nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _string(ref, YES if value else NO, PLAIN)
    if isinstance(value, str):
        return _string(ref, value, PLAIN)  # text, even when it starts with "=": never a formula
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - EXCEL_EPOCH
        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        return f'<c r="{ref}" s="{TIME}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DAY}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    return f'<c r="{ref}" s="{SHARE if share else PLAIN}"><v>{value!r}</v></c>'


def _string(ref: str, text: str, style: int) -> str:
    styled = f' s="{style}"' if style != PLAIN else ""
    inline = f'<is><t xml:space="preserve">{_text(text)}</t></is>'
    return f'<c r="{ref}"{styled} t="inlineStr">{inline}</c>'


def _text(text: str) -> str:
    return escape(NOT_IN_XML.sub("", text), {'"': "&quot;"})


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _widths(table: ExportTable) -> list[float]:
    """Each column's width in characters: its longest cell (a Chinese character counts two),
    between 8 and 40."""
    widths = []
    for index, column in enumerate(table.columns):
        texts: Sequence[str] = [column.header, *(csv_cell(row[index]) for row in table.rows)]
        longest = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) for text in texts)
        widths.append(float(min(max(longest + 2, 8), 40)))
    return widths
