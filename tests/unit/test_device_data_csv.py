"""The devices as CSV (devices.csv: alarms, watches and call centres, each of an elder or of
none): every bad row named by file, line, field and reason, and a device id given twice."""

from __future__ import annotations

from pathlib import Path

from careroute.adapters.registry_csv import RowError
from careroute.domain.vocabulary import Registry
from tests.csv_rows import edit_cells, load_rows
from tests.unit.data_set_files import bad_cells_test, import_errors

test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(
    "devices.csv"
)


def test_a_duplicate_id_names_the_first_line(csv_directory: Path, csv_city: Registry) -> None:
    first = load_rows(csv_directory, "devices.csv")[1][0]
    edit_cells(csv_directory, "devices.csv", 3, {"device_id": first})
    assert import_errors(csv_directory, csv_city) == [
        RowError("devices.csv", 3, "device_id", f"duplicate device_id {first!r} (first on line 2)")
    ]
