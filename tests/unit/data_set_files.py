"""What the tests of each data set's CSV files share: the synthetic city they export, how a
test finds a row and changes a cell, the import's row errors, what the format's documentation
leaves out, and the memory ports an import writes to. The fixtures (`csv_city`, `csv_data`,
`csv_directory`) are in tests/unit/conftest.py."""

from __future__ import annotations

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
DATA_FORMAT = Path(__file__).parents[2] / "docs" / "data-format.md"
"""The data sets' documentation: a section headed with each file's name, each column named in
backquotes."""


def heping_city() -> Registry:
    """Eight Heping communities (~1,000 elders) as of AS_OF."""
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.05)


class BadCell(NamedTuple):
    """A cell changed to a bad value, and the row error the import must give for it."""

    file: str
    where: tuple[str, str] | None
    """The row to change: the first whose field has the value, or None for the first row."""
    cells: dict[str, str]
    field: str
    """The field the error names."""
    reason: str
    """How the error's reason starts."""

    def id(self) -> str:
        return self.file + ":" + ",".join(f"{k}={v}" for k, v in self.cells.items())


def line_where(directory: Path, file: str, where: tuple[str, str] | None) -> int:
    """The line (header = 1) of the first row whose `where` field has the value (or 2)."""
    rows = load_rows(directory, file)
    if where is None:
        return 2
    field, value = where
    column = rows[0].index(field)
    return next(n for n, row in enumerate(rows, start=1) if n > 1 and row[column] == value)


def import_errors(directory: Path, city: Registry, stored: Stored | None = None) -> list[RowError]:
    """The row errors of reading `directory` (which must fail)."""
    with pytest.raises(DataImportError) as caught:
        read_data_sets(directory, city, stored=stored)
    return caught.value.errors


def assert_bad_cell_named(directory: Path, city: Registry, bad: BadCell) -> None:
    """The import of `directory` with `bad`'s cells changed names its file, line, field and
    reason."""
    line = line_where(directory, bad.file, bad.where)
    edit_cells(directory, bad.file, line, bad.cells)
    errors = import_errors(directory, city)
    assert any(
        (e.file, e.line, e.field) == (bad.file, line, bad.field) and e.reason.startswith(bad.reason)
        for e in errors
    ), errors


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


def bad_cells_test(cells: list[BadCell]) -> Callable[[Path, Registry, BadCell], None]:
    """The test of a data set's bad cells, one case each: a data set's module assigns it to a
    test_ name, as `test_bad_cells = bad_cells_test(BAD_CELLS)`."""

    @pytest.mark.parametrize("bad", cells, ids=BadCell.id)
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
