"""The service circle's facilities as CSV (service_facilities.csv: day-care centres and the
like, each of a district at a place): every bad row named by file, line, field and reason."""

from __future__ import annotations

from tests.unit.data_set_files import BadCell, bad_cells_test

FILE = "service_facilities.csv"
BAD_CELLS = [
    BadCell(FILE, None, {"kind": "hospital"}, "kind", "unknown kind 'hospital'; known: day_care"),
    BadCell(FILE, None, {"district_id": "D99"}, "district_id", "unknown district 'D99'"),
    BadCell(FILE, None, {"lat": "91"}, "lat", "91 is out of range -90..90"),
]

test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(BAD_CELLS)
