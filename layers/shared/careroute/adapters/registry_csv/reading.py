"""Reading the three CSV files back into a `Registry`, all or nothing: every bad row in every
file is collected and reported at once, and nothing is returned unless all rows are good.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from careroute.adapters.registry_csv.columns import (
    COMMUNITIES_FILE,
    COMMUNITY_COLUMNS,
    ELDER_COLUMNS,
    ELDERS_FILE,
    FILE_ORDER,
    OPTIONAL_COLUMNS,
    STEWARD_COLUMNS,
    STEWARDS_FILE,
)
from careroute.adapters.registry_csv.csv_table import Table
from careroute.adapters.registry_csv.errors import RegistryImportError, RowError
from careroute.adapters.registry_csv.records import (
    check_elder_place,
    check_place,
    check_steward_community,
    read_community,
    read_elder,
    read_steward,
)
from careroute.domain import clock
from careroute.domain.vocabulary import Community, Elder, Registry, Steward


def read_registry(directory: Path, *, as_of: date | None = None) -> Registry:
    """Read and check the three CSV files in `directory`; all rows or nothing.

    Ages and dates are checked as of `as_of` (default: today in China). Raises
    `RegistryImportError` listing every bad row of every file.
    """
    with _paused_gc():
        return _read_registry(directory, as_of or clock.today())


@contextlib.contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building ~10^5 objects that form no cycles;
    its repeated full scans of the growing heap would double the time of a big import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(
    directory: Path, file: str, columns: tuple[str, ...], errors: list[RowError]
) -> Table | None:
    return Table.load(directory, file, columns, errors, OPTIONAL_COLUMNS.get(file, frozenset()))


def _read_registry(directory: Path, as_of: date) -> Registry:
    errors: list[RowError] = []
    community_table = _load(directory, COMMUNITIES_FILE, COMMUNITY_COLUMNS, errors)
    steward_table = _load(directory, STEWARDS_FILE, STEWARD_COLUMNS, errors)
    elder_table = _load(directory, ELDERS_FILE, ELDER_COLUMNS, errors)

    # Ids seen on any row, good or bad: references to a bad row are not reported twice.
    # None when communities.csv cannot be read at all: references are then not checked.
    community_ids: set[str] | None = None
    communities: dict[str, Community] = {}
    community_lines: dict[str, int] = {}
    if community_table is not None:
        community_ids = set()
        seen: dict[str, int] = {}  # id -> line of its first row
        first_seen: dict[str, tuple[str, int]] = {}  # street and district facts
        for row in community_table.rows(errors):
            community = read_community(row, seen)
            community_ids.add(row.get("community_id"))
            if community is not None:
                check_place(row, community, first_seen)
                communities[community.community_id] = community
                community_lines[community.community_id] = row.line

    stewards: dict[str, Steward] = {}
    if steward_table is not None:
        steward_of: dict[str, tuple[str, int]] = {}  # community id -> (steward id, line)
        seen = {}
        for row in steward_table.rows(errors):
            check_steward_community(row, community_ids, steward_of)
            steward = read_steward(row, seen)
            if steward is not None:
                stewards[steward.steward_id] = steward
        for community_id, line in community_lines.items():
            if community_id not in steward_of:
                reason = f"community {community_id} has no steward in {STEWARDS_FILE}"
                errors.append(RowError(COMMUNITIES_FILE, line, "community_id", reason))

    elders: dict[str, Elder] = {}
    if elder_table is not None:
        seen = {}
        for row in elder_table.rows(errors):
            check_elder_place(row, community_ids, communities)
            elder = read_elder(row, as_of, seen)
            if elder is not None:
                elders[elder.elder_id] = elder

    if errors:
        errors.sort(key=lambda e: (FILE_ORDER[e.file], e.line or 0))
        raise RegistryImportError(errors)
    return Registry(tuple(communities.values()), tuple(stewards.values()), tuple(elders.values()))
