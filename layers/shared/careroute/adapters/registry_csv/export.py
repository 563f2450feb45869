"""Writing the registry as the three CSV files, each under a temporary name and then renamed
so that a reader never sees half a file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from careroute.adapters.registry_csv.columns import (
    COMMUNITIES_FILE,
    COMMUNITY_COLUMNS,
    CRS_COLUMN,
    ELDER_COLUMNS,
    ELDERS_FILE,
    STEWARD_COLUMNS,
    STEWARDS_FILE,
)
from careroute.domain import clock
from careroute.domain.geo import Crs, from_wgs84
from careroute.domain.policy import Policy, load_policy
from careroute.domain.vocabulary import GeoPoint, Registry


def write_registry(
    directory: Path,
    registry: Registry,
    as_of: date | None = None,
    *,
    policy: Policy | None = None,
    crs: Crs = Crs.WGS84,
) -> dict[str, int]:
    """Write the three CSV files into `directory`; returns the data rows written per file.

    The elders' `tier` column is derived by `policy` (default: the built-in one) on `as_of`
    (default: today in China). Coordinates are written in `crs`: WGS-84 as stored, or e.g.
    GCJ-02 for AMap, then with a last `crs` column so the files import back. Each file is
    written to a temporary name and then renamed.
    """
    as_of = as_of or clock.today()
    policy = policy or load_policy()
    directory.mkdir(parents=True, exist_ok=True)
    located = _Located(crs)
    community_rows = (
        [
            c.community_id, c.name, c.street_id, c.street_name, c.district_id, c.district_name,
            *located.cells(c.location), str(c.radius_m), *located.tail,
        ]
        for c in registry.communities
    )  # fmt: skip
    steward_rows = (
        [
            s.steward_id, s.community_id, s.name, _clock(s.shift.start), _clock(s.shift.end),
            _clock(s.lunch_break.start) if s.lunch_break else "",
            _clock(s.lunch_break.end) if s.lunch_break else "",
            s.mode.value, str(s.max_visits_per_day), ";".join(map(str, sorted(s.days_off))),
        ]
        for s in registry.stewards
    )  # fmt: skip
    elder_rows = (
        [
            e.elder_id, e.community_id, e.street_id, e.district_id, e.name, e.address,
            *located.cells(e.location),
            ";".join(sorted(c.value for c in e.categories)), e.birth_date.isoformat(),
            policy.tier_of(e, as_of).value, _clock(e.window.start), _clock(e.window.end),
            e.status.value, _iso(e.last_visited_on), _iso(e.urgent_until), *located.tail,
        ]
        for e in registry.elders
    )  # fmt: skip
    return {
        COMMUNITIES_FILE: _write_csv(
            directory / COMMUNITIES_FILE, COMMUNITY_COLUMNS + located.header, community_rows
        ),
        STEWARDS_FILE: _write_csv(directory / STEWARDS_FILE, STEWARD_COLUMNS, steward_rows),
        ELDERS_FILE: _write_csv(
            directory / ELDERS_FILE, ELDER_COLUMNS + located.header, elder_rows
        ),
    }


class _Located:
    """How the files with coordinates write them in `crs`: the `lat` and `lng` cells, and the
    extra `crs` column (none for WGS-84, so such an export is exactly what an import reads)."""

    def __init__(self, crs: Crs) -> None:
        self.crs = crs
        self.header: tuple[str, ...] = () if crs is Crs.WGS84 else (CRS_COLUMN,)
        self.tail: list[str] = [crs.value] if self.header else []

    def cells(self, point: GeoPoint) -> tuple[str, str]:
        shown = from_wgs84(point, self.crs)
        return repr(shown.lat), repr(shown.lng)


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterator[list[str]]) -> int:
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


def _clock(seconds: int) -> str:
    """'HH:MM', or 'HH:MM:SS' when the time is not on a whole minute."""
    text = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return text if seconds % 60 == 0 else f"{text}:{seconds % 60:02d}"


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
