"""An export as a table: a file name, a sheet title, columns (each an English field headed in
Chinese) and rows of cells, what careroute.adapters.export_files writes as CSV or XLSX. Apart
from the exports' use cases (careroute.service_layer.exports), so the ports that store files
name it without loading those use cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

Cell = str | int | float | bool | date | datetime | None
"""One value of an export: text, a count, a share, yes/no, a day or a local (Beijing) time."""


@dataclass(frozen=True)
class Column:
    field: str
    """The English name: the JSON field the values come from."""
    header: str
    """The Chinese header the file shows."""


@dataclass(frozen=True)
class ExportTable:
    """One export: a file name (ASCII, no extension), a sheet title, columns and rows."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[tuple[Cell, ...]]

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"a row of {len(row)} cells under {width} columns")
