"""The service circle's facilities as CSV (service_facilities.csv: day-care centres and the
like, each of a district at a place): every bad row named by file, line, field and reason."""

from __future__ import annotations

from tests.unit.data_set_files import bad_cells_test

test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(
    "service_facilities.csv"
)
