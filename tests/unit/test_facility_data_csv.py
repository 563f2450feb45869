"""The service circle's facilities as CSV (service_facilities.csv: day-care centres and the
like, each of a district at a place): every bad row named by file, line, field and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from careroute.domain.vocabulary import Registry
from tests.unit.data_set_files import BadCell, assert_bad_cell_named

FILE = "service_facilities.csv"
BAD_CELLS = [
    BadCell(FILE, None, {"kind": "hospital"}, "kind", "unknown kind 'hospital'; known: day_care"),
    BadCell(FILE, None, {"district_id": "D99"}, "district_id", "unknown district 'D99'"),
    BadCell(FILE, None, {"lat": "91"}, "lat", "91 is out of range -90..90"),
]


@pytest.mark.parametrize("bad", BAD_CELLS, ids=BadCell.id)
def test_each_kind_of_bad_value_gives_a_row_error_naming_file_line_field_and_reason(
    csv_directory: Path, csv_city: Registry, bad: BadCell
) -> None:
    assert_bad_cell_named(csv_directory, csv_city, bad)
