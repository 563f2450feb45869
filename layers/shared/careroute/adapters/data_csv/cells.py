"""A data file's plain columns: the columns named as the item's fields, read and written by
name.

Reading: each column's kind says how its text is read (`text`, `day`, `choice(Enum)`,
`integer(low, high)`, `at`...) and `read_cells` reads them all into values named as the
item's fields, so a reader builds its item with `Item(**cells, ...)` instead of restating
every column three times (read, check, pass on). Writing: `written` gives a whole row of a
file whose every column is so named, by the type of each value (`cell_text`).

A bad value is recorded on the row (file, line, column, why) exactly as the row's own
accessors record it, and the reader returns no item for a row with an error (`row.ok`): a
required value is never missing from an item built. What spans columns (a place and its
elder, a window, a location, a rule between two columns) stays with each file's reader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from careroute.adapters.data_csv.moments import moment
from careroute.adapters.registry_csv.rows import Row
from careroute.adapters.registry_csv.writing import Located, window_cells

Cell = Callable[[Row, str], Any]
"""How one column's text becomes its value; a bad value is recorded on the row, and gives
None (or the placeholder the row's accessor gives)."""


def read_cells(row: Row, cells: Mapping[str, Cell]) -> dict[str, Any]:
    """Each column of `cells` read by its kind, by column name (in the order declared)."""
    return {column: read(row, column) for column, read in cells.items()}


def text(row: Row, column: str) -> str:
    """Required text."""
    return row.text(column)


def optional_text(row: Row, column: str) -> str:
    """Text that may be empty."""
    return row.get(column)


def day(row: Row, column: str) -> date | None:
    """A required date (YYYY-MM-DD)."""
    return row.day(column)


def optional_day(row: Row, column: str) -> date | None:
    """A date that may be empty (None)."""
    return row.day(column, required=False)


def at(row: Row, column: str) -> datetime | None:
    """A required moment (ISO 8601 date and time with its offset)."""
    return moment(row, column)


def choice(kind: type[StrEnum], *, required: bool = True) -> Cell:
    """One of the values of `kind` (or, not required, empty: None)."""

    def read(row: Row, column: str) -> StrEnum | None:
        return row.choice(column, kind, required=required)

    return read


def integer(low: int, high: int) -> Cell:
    """A required whole number in low..high."""

    def read(row: Row, column: str) -> int:
        return row.integer(column, low, high)

    return read


def written(
    item: Any,
    columns: tuple[str, ...],
    located: Located,
    written_as: Mapping[str, Callable[[Any], str]] | None = None,
) -> list[str]:
    """The cells of `item` in `columns`, each its attribute of that name: `lat` and `lng` its
    `location` (its `base` where it has none: a provider's, an assessor's office), in the
    export's reference system; `X_start` and `X_end` its window `X` (`window`, `shift`,
    `lunch`); any other column its value's `cell_text`, unless `written_as` gives the
    column's cell of the item."""
    special = written_as or {}
    cells: list[str] = []
    for column in columns:
        window = column.removesuffix("_start")
        if column in special:
            cells.append(special[column](item))
        elif column == "lat":
            cells.extend(located.cells(getattr(item, "location", None) or item.base))
        elif column != window and f"{window}_end" in columns:
            cells.extend(window_cells(getattr(item, window)))
        elif column != "lng" and not _window_end(column, columns):
            cells.append(cell_text(getattr(item, column)))
    return cells


def _window_end(column: str, columns: tuple[str, ...]) -> bool:
    return column.endswith("_end") and column.removesuffix("_end") + "_start" in columns


def cell_text(value: Any) -> str:
    """A value as a cell: empty for None, an enumeration's value, a date or a moment in ISO
    8601, a set of names sorted and ';'-separated, a tuple of names ';'-separated in its
    order, a number's digits."""
    if value is None:
        return ""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, date):  # a datetime too: its ISO text with the offset
        return value.isoformat()
    if isinstance(value, frozenset):
        return ";".join(sorted(value))
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)
