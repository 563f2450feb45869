"""A test's CSV files as rows of cells: read one whole, or write it back changed (the way the
CSV formats write them: UTF-8, one line per row)."""

from __future__ import annotations

import csv
from pathlib import Path


def load_rows(directory: Path, file: str) -> list[list[str]]:
    with (directory / file).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def save_rows(directory: Path, file: str, rows: list[list[str]]) -> None:
    with (directory / file).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def edit_cells(directory: Path, file: str, line: int, cells: dict[str, str]) -> None:
    """`file`'s line `line` (the header is line 1) with each named field's cell replaced."""
    rows = load_rows(directory, file)
    for field, value in cells.items():
        rows[line - 1][rows[0].index(field)] = value
    save_rows(directory, file, rows)
