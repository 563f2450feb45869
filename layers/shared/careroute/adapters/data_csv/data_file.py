"""One data set's CSV file described once: its name, its columns, the columns that identify a
row, how a row is read into an item and how an item is written back as cells. Reading
(`reading.py`) and writing (`export.py`) are the same loop for every file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from careroute.adapters.data_csv.known import Known
from careroute.adapters.registry_csv.columns import CRS_COLUMN
from careroute.adapters.registry_csv.rows import Row
from careroute.adapters.registry_csv.writing import Located

T = TypeVar("T")


@dataclass(frozen=True)
class DataFile(Generic[T]):
    name: str
    """The file name, e.g. "devices.csv"."""
    attribute: str
    """The `DataSets` field the file's items go to."""
    columns: tuple[str, ...]
    key: tuple[str, ...]
    """The columns whose values together identify a row: no two rows may repeat them."""
    read: Callable[[Row, Known], T | None]
    """The item of a row, or None when the row has errors (recorded on the row)."""
    cells: Callable[[T, Located], list[str]]
    """An item's cells in column order (without the `crs` cell a located file adds)."""
    order: Callable[[T], Any]
    """Exports write items in this order, so the same data always gives the same bytes."""
    located: bool = False
    """The file has `lat` and `lng` columns, and so accepts a `crs` column after them."""

    @property
    def optional(self) -> frozenset[str]:
        return frozenset({CRS_COLUMN}) if self.located else frozenset()
