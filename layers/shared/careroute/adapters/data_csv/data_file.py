"""One data set's CSV file described once: its name, its columns, the columns that identify a
row, how a row is read into an item and how an item is written back as cells. Reading
(`reading.py`) and writing (`export.py`) are the same loop for every file.

What every file does alike is not restated per file: the `DataSets` field its items go to is
named after it, a file with `lat` and `lng` columns accepts a `crs` column after them, its
first column identifies a row and exports write the items in the order of that key, unless
the file says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Generic, TypeVar

from careroute.adapters.data_csv.cells import written
from careroute.adapters.data_csv.known import Known
from careroute.adapters.registry_csv.columns import CRS_COLUMN
from careroute.adapters.registry_csv.rows import Row
from careroute.adapters.registry_csv.writing import Located

T = TypeVar("T")


@dataclass(frozen=True)
class DataFile(Generic[T]):
    name: str
    """The file name, e.g. "devices.csv"."""
    columns: tuple[str, ...]
    read: Callable[[Row, Known], T | None]
    """The item of a row, or None when the row has errors (recorded on the row)."""
    cells: Callable[[T, Located], list[str]] | None = None
    """An item's cells in column order (without the `crs` cell a located file adds), where
    the item is not shaped as the file; None where the columns are written by name
    (`cells.written`)."""
    written_as: Mapping[str, Callable[[T], str]] = field(default_factory=dict)
    """Written by name: the columns whose cell is not the item's attribute of that name, and
    how each is written."""
    identified_by: tuple[str, ...] = ()
    """The columns whose values together identify a row, where the first alone does not."""
    sorted_by: Callable[[T], Any] | None = None
    """What exports order the items by, where it is not their key (see `order`)."""

    def write(self, item: T, located: Located) -> list[str]:
        """The item's cells in column order (without the `crs` cell a located file adds)."""
        if self.cells is None:
            return written(item, self.columns, located, self.written_as)
        return self.cells(item, located)

    @property
    def attribute(self) -> str:
        """The `DataSets` field the file's items go to: the file's name without ".csv"."""
        return self.name.removesuffix(".csv")

    @property
    def key(self) -> tuple[str, ...]:
        """The columns whose values together identify a row: no two rows may repeat them."""
        return self.identified_by or self.columns[:1]

    @property
    def order(self) -> Callable[[T], Any]:
        """Exports write items in this order, so the same data always gives the same bytes:
        by their key (the item's attributes named as the key columns) unless `sorted_by`."""
        return self.sorted_by or attrgetter(*self.key)

    @property
    def located(self) -> bool:
        """The file has `lat` and `lng` columns, and so accepts a `crs` column after them."""
        return "lat" in self.columns

    @property
    def optional(self) -> frozenset[str]:
        return frozenset({CRS_COLUMN}) if self.located else frozenset()
