"""The inspections as CSV: inspection_targets.csv (institutions and home adaptations to
inspect, with their beds and last scores) and inspectors.csv (their shifts and days off):
every bad row named by file, line, field and reason."""

from __future__ import annotations

from tests.unit.data_set_files import bad_cells_test

test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(
    "inspection_targets.csv", "inspectors.csv"
)
