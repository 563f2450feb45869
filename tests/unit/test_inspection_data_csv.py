"""The inspections as CSV: inspection_targets.csv (institutions and home adaptations to
inspect, with their beds and last scores) and inspectors.csv (their shifts and days off):
every bad row named by file, line, field and reason."""

from __future__ import annotations

from tests.unit.data_set_files import BadCell, bad_cells_test

ADAPTATION = ("kind", "adaptation")
BAD_CELLS = [
    BadCell("inspection_targets.csv", None, {"kind": "castle"}, "kind", "unknown kind 'castle'"),
    BadCell(
        "inspection_targets.csv",
        ("kind", "institution"),
        {"beds": "10", "occupied_beds": "11"},
        "occupied_beds",
        "11 is more than the 10 beds",
    ),
    BadCell(
        "inspection_targets.csv",
        ADAPTATION,
        {"last_scores": "grab_bars=9"},
        "last_scores",
        "'grab_bars=9' is not item=score",
    ),
    BadCell(
        "inspection_targets.csv",
        ADAPTATION,
        {"last_scores": "fire_safety=5"},
        "last_scores",
        "need each of grab_bars",
    ),
    BadCell(
        "inspection_targets.csv", None, {"due_date": "soon"}, "due_date", "'soon' is not a date"
    ),
    BadCell(
        "inspectors.csv",
        None,
        {"days_off": "7"},
        "days_off",
        "'7' is not a weekday number 0 (Monday)..6 (Sunday)",
    ),
    BadCell("inspectors.csv", None, {"break_start": "06:00"}, "break_start", "break "),
    BadCell("inspectors.csv", None, {"shift_end": ""}, "shift_end", "is empty (required)"),
]

test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(BAD_CELLS)
