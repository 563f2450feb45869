"""Writing one CSV file, under a temporary name and then renamed so that a reader never sees
half a file, and the cell formats every export shares (coordinates, times of day, dates).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from careroute.adapters.registry_csv.columns import CRS_COLUMN
from careroute.domain.geo import Crs, from_wgs84
from careroute.domain.scope_ids import HasScopeIds
from careroute.domain.vocabulary import GeoPoint, TimeWindow


class Located:
    """How the files with coordinates write them in `crs`: the `lat` and `lng` cells, and the
    extra `crs` column (none for WGS-84, so such an export is exactly what an import reads)."""

    def __init__(self, crs: Crs) -> None:
        self.crs = crs
        self.header: tuple[str, ...] = () if crs is Crs.WGS84 else (CRS_COLUMN,)
        self.tail: list[str] = [crs.value] if self.header else []

    def cells(self, point: GeoPoint) -> tuple[str, str]:
        shown = from_wgs84(point, self.crs)
        return repr(shown.lat), repr(shown.lng)


def write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[list[str]]) -> int:
    """Write the header and `rows` (UTF-8, '\\n' line ends); the data rows written."""
    temporary = path.with_name(path.name + ".tmp")
    count = 0
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    temporary.replace(path)
    return count


def clock_text(seconds: int) -> str:
    """'HH:MM', or 'HH:MM:SS' when the time is not on a whole minute."""
    text = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return text if seconds % 60 == 0 else f"{text}:{seconds % 60:02d}"


def window_cells(window: TimeWindow | None) -> list[str]:
    """A window's start and end cells (`clock_text`), or two empty cells for no window."""
    if window is None:
        return ["", ""]
    return [clock_text(window.start), clock_text(window.end)]


def scope_cells(placed: HasScopeIds) -> list[str]:
    """The community, street and district id cells, in the order every file has them."""
    return [placed.community_id, placed.street_id, placed.district_id]


def iso_text(day: date | None) -> str:
    """'YYYY-MM-DD', or '' for no date."""
    return day.isoformat() if day else ""
