"""One CSV file read into memory: its encoding, its CSV syntax and its header checked against
the file's columns before any row is looked at (the registry's files and every other data
set's, careroute.adapters.data_csv).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from careroute.adapters.registry_csv.errors import RowError
from careroute.adapters.registry_csv.rows import Row, check_id_numbers


class Table:
    """One CSV file read into memory: its header mapped to positions, and its data rows."""

    def __init__(self, file: str, index: dict[str, int], rows: list[tuple[int, list[str]]]) -> None:
        self.file = file
        self.index = index
        self.data = rows

    @classmethod
    def load(
        cls,
        directory: Path,
        file: str,
        columns: tuple[str, ...],
        errors: list[RowError],
        optional: frozenset[str] = frozenset(),
    ) -> Table | None:
        """Read the file; None (with the errors recorded) when it is missing or unusable.

        `optional`: columns the file may leave out (those not in `columns` come after them)."""
        path = directory / file
        if not path.is_file():
            errors.append(RowError(file, None, None, f"file is missing from {directory}"))
            return None
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            try:
                for values in reader:
                    if header is None:
                        header = [name.strip() for name in values]
                    elif any(values):  # blank lines are skipped
                        rows.append((reader.line_num, values))
            except UnicodeDecodeError:
                reason = "is not UTF-8 text (save the file as UTF-8)"
                errors.append(RowError(file, reader.line_num + 1, None, reason))
                return None
            except csv.Error as exc:
                errors.append(RowError(file, reader.line_num, None, f"is not valid CSV: {exc}"))
                return None
        if not header or not any(header):
            errors.append(RowError(file, 1, None, "file is empty (no header row)"))
            return None
        usable = True
        for name in columns:
            if name not in header and name not in optional:
                errors.append(RowError(file, 1, name, "missing column"))
                usable = False
        known = columns + tuple(sorted(optional.difference(columns)))
        for position, name in enumerate(header):
            if name not in known:
                expected = ", ".join(known)
                label = name or f"#{position + 1}"
                errors.append(RowError(file, 1, label, f"unknown column; expected {expected}"))
            elif header.index(name) != position:
                errors.append(RowError(file, 1, name, "column appears twice"))
                usable = False
        if not usable:
            return None
        return cls(file, {name: i for i, name in enumerate(header)}, rows)

    def rows(self, errors: list[RowError]) -> Iterator[Row]:
        """Rows with as many fields as the header (others are reported and skipped)."""
        width = len(self.index)
        for line, values in self.data:
            row = Row(self.file, line, values, self.index, errors)
            if len(values) != width:
                row.error(None, f"has {len(values)} fields but the header has {width}")
                continue
            check_id_numbers(row)
            yield row
