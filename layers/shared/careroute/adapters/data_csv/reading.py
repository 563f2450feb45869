"""Reading the data set files of a directory, all or nothing: every file present is read and
checked against the registry (and against the files it refers to), every bad row of every
file is collected, and nothing is returned unless all rows are good. A file not present is
a data set not given (None), left as stored by an import.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.files import FILE_ORDER, FILES, TOGETHER
from careroute.adapters.data_csv.known import Known, Stored
from careroute.adapters.registry_csv.csv_table import Table
from careroute.adapters.registry_csv.errors import DataImportError, RowError
from careroute.domain.vocabulary import Registry
from careroute.planning.meals import Canteen
from careroute.service_layer.data_import import DataSets


def read_data_sets(
    directory: Path,
    registry: Registry,
    *,
    canteens: Iterable[Canteen] = (),
    stored: Stored | None = None,
) -> DataSets:
    """Read and check every data set file in `directory`; the registry they refer to is
    `registry` (already read). Lunch orders and bookings name the canteens of canteens.csv,
    or when it is not given `canteens` (the stored ones, which the import then keeps); beds
    and day-care bookings likewise name the providers and centres of their files or
    `stored`'s. Raises `DataImportError` listing every bad row of every file."""
    errors: list[RowError] = []
    present = {spec.name for spec in FILES if (directory / spec.name).is_file()}
    for group in TOGETHER:
        if present.intersection(group):
            for name in sorted(set(group) - present):
                reason = f"file is missing from {directory}: {', '.join(group)} go together"
                errors.append(RowError(name, None, None, reason))
    known = Known(registry, canteens, stored)
    found = {
        spec.attribute: _read_file(directory, spec, known, errors)
        for spec in FILES
        if spec.name in present
    }
    if errors:
        errors.sort(key=lambda e: (FILE_ORDER[e.file], e.line or 0))
        raise DataImportError(errors)
    return DataSets(**found)


def _read_file(
    directory: Path, spec: DataFile[Any], known: Known, errors: list[RowError]
) -> tuple[Any, ...]:
    table = Table.load(directory, spec.name, spec.columns, errors, spec.optional)
    if table is None:
        known.ids[spec.name] = None
        return ()
    ids: set[str] = set()
    known.ids[spec.name] = ids
    known.forget_stored(spec.name)
    first_line: dict[tuple[str, ...], int] = {}
    items = []
    for row in table.rows(errors):
        key = tuple([row.get(field) for field in spec.key])  # a list: quicker than a generator
        if all(key):
            ids.add(key[0])
            if key in first_line:
                named = " and ".join(spec.key)
                value = ", ".join(key)
                row.error(
                    spec.key[-1], f"duplicate {named} {value!r} (first on line {first_line[key]})"
                )
            else:
                first_line[key] = row.line
        item = spec.read(row, known)
        if item is not None:
            items.append(item)
    return tuple(items)
