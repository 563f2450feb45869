"""What the tests of each data set's CSV files share: the synthetic city they export, how a
test finds a row and changes a cell, the import's row errors, what the format's documentation
leaves out, and the memory ports an import writes to. The fixtures (`csv_city`, `csv_data`,
`csv_directory`) are in tests/unit/conftest.py."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.data_csv import Stored, read_data_sets
from careroute.adapters.memory import MemoryElders
from careroute.adapters.memory_assessments import MemoryAssessmentRequests, MemoryAssessors
from careroute.adapters.memory_beds import MemoryBeds, MemoryBedVisits
from careroute.adapters.memory_benefits import MemoryBenefitClaims
from careroute.adapters.memory_circle import MemoryFacilities
from careroute.adapters.memory_day_care import MemoryDayCare
from careroute.adapters.memory_hospitals import MemoryHospitals
from careroute.adapters.memory_incidents import MemoryDevices
from careroute.adapters.memory_inspections import MemoryInspectionTargets, MemoryInspectors
from careroute.adapters.memory_meal_bookings import MemoryMealBookings
from careroute.adapters.memory_meals import MemoryCanteens, MemoryMealOrders
from careroute.adapters.memory_orders import (
    MemoryDayPlans,
    MemoryOrders,
    MemoryProviders,
    MemoryQuota,
)
from careroute.adapters.registry_csv import DataImportError, RowError
from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSetLoading
from tests.csv_rows import edit_cells, load_rows

AS_OF = date(2026, 12, 1)
LUNCH_DAY = date(2026, 12, 2)
BAD_CELLS = Path(__file__).with_name("bad_cells.csv")
DATA_FORMAT = Path(__file__).parents[2] / "docs" / "data-format.md"
"""The data sets' documentation: a section headed with each file's name, each column named in
backquotes."""


def heping_city() -> Registry:
    """Eight Heping communities (~1,000 elders) as of AS_OF."""
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.05)


class BadCell(NamedTuple):
    """A row's cells changed to bad values, and the row error the import must give for it."""

    file: str
    row: dict[str, str]
    """The row to change: the first whose fields have these values (none: the first row)."""
    cells: dict[str, str]
    field: str
    """The field the error names."""
    reason: str
    """How the error's reason starts."""

    def id(self) -> str:
        return self.file + ":" + ",".join(f"{k}={v}" for k, v in self.cells.items())


def _cells(text: str) -> dict[str, str]:
    """`a=1&b=` as {"a": "1", "b": ""} (a value may hold `=` but not `&`)."""
    return dict(pair.partition("=")[::2] for pair in text.split("&")) if text else {}


def bad_cells(*files: str) -> list[BadCell]:
    """The cases of `files` in tests/unit/bad_cells.csv: every data set's bad cells in one
    table (file, row, cells, field, reason; `row` and `cells` written `field=value&...`)."""
    with BAD_CELLS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cases = [
        BadCell(r["file"], _cells(r["row"]), _cells(r["cells"]), r["field"], r["reason"])
        for r in rows
        if r["file"] in files
    ]
    assert cases, files
    return cases


def line_where(directory: Path, file: str, row: dict[str, str]) -> int:
    """The line (header = 1) of the first row whose fields have `row`'s values (or 2)."""
    rows = load_rows(directory, file)
    columns = {field: rows[0].index(field) for field in row}
    return next(
        n
        for n, cells in enumerate(rows, start=1)
        if n > 1 and all(cells[columns[f]] == value for f, value in row.items())
    )


def import_errors(directory: Path, city: Registry, stored: Stored | None = None) -> list[RowError]:
    """The row errors of reading `directory` (which must fail)."""
    with pytest.raises(DataImportError) as caught:
        read_data_sets(directory, city, stored=stored)
    return caught.value.errors


def assert_bad_cell_named(
    directory: Path, city: Registry, bad: BadCell, stored: Stored | None = None
) -> None:
    """The import of `directory` with `bad`'s cells changed names its file, line, field and
    reason, and no other line."""
    line = line_where(directory, bad.file, bad.row)
    edit_cells(directory, bad.file, line, bad.cells)
    errors = import_errors(directory, city, stored)
    assert any(
        (e.file, e.line, e.field) == (bad.file, line, bad.field) and e.reason.startswith(bad.reason)
        for e in errors
    ), errors
    assert {(e.file, e.line) for e in errors} == {(bad.file, line)}, errors


def undocumented(directory: Path, file: str) -> list[str]:
    """What docs/data-format.md leaves out of `file` (as written in `directory`): the file
    itself when no heading names it, and each column of its header not named in backquotes."""
    text = DATA_FORMAT.read_text("utf-8")
    headed: set[str] = set()
    for line in text.splitlines():
        if line.startswith("#"):
            headed.update(re.findall(r"[\w.]+\.csv", line))
    missing = [] if file in headed else [file]
    return missing + [c for c in load_rows(directory, file)[0] if f"`{c}`" not in text]


def bad_cells_test(*files: str) -> Callable[[Path, Registry, BadCell], None]:
    """The test of the bad cells of `files` in the synthetic city's files, one case each: a
    data set's module assigns it to a test_ name, as `test_bad_cells = bad_cells_test(FILE)`."""

    @pytest.mark.parametrize("bad", bad_cells(*files), ids=BadCell.id)
    def test(csv_directory: Path, csv_city: Registry, bad: BadCell) -> None:
        assert_bad_cell_named(csv_directory, csv_city, bad)

    return test


def memory_ports() -> DataSetLoading:
    """Every data set's store, in memory."""
    meal_orders = MemoryMealOrders()
    return DataSetLoading(
        targets=MemoryInspectionTargets(),
        inspectors=MemoryInspectors(),
        devices=MemoryDevices(),
        providers=MemoryProviders(),
        canteens=MemoryCanteens(),
        meal_orders=meal_orders,
        assessors=MemoryAssessors(),
        requests=MemoryAssessmentRequests(MemoryElders()),
        facilities=MemoryFacilities(),
        beds=MemoryBeds(),
        bed_visits=MemoryBedVisits(),
        meal_bookings=MemoryMealBookings(meal_orders),
        day_care=MemoryDayCare(),
        claims=MemoryBenefitClaims(),
        orders=MemoryOrders(MemoryQuota(), MemoryDayPlans()),
        hospitals=MemoryHospitals(),
    )
