"""The hospitals as CSV (hospitals.csv: each hospital's name, district and place): every bad
row named by file, line, field and reason, and an import that replaces the stored list."""

from __future__ import annotations

from pathlib import Path

from careroute.adapters.data_csv import read_data_sets
from careroute.domain.hospitals import Hospital
from careroute.domain.vocabulary import GeoPoint, Registry
from careroute.service_layer.data_import import DataSets, import_data_sets
from tests.csv_rows import edit_cells
from tests.unit.data_set_files import bad_cells_test, import_errors, memory_ports

FILE = "hospitals.csv"
test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(FILE)


def test_a_hospital_id_given_twice_is_refused(csv_directory: Path, csv_city: Registry) -> None:
    edit_cells(csv_directory, FILE, 3, {"hospital_id": "H0101"})
    errors = import_errors(csv_directory, csv_city)
    assert [(e.file, e.line, e.field) for e in errors] == [(FILE, 3, "hospital_id")]


def test_the_synthetic_hospitals_read_back_with_their_chinese_names(
    csv_directory: Path, csv_city: Registry, csv_data: DataSets
) -> None:
    read = read_data_sets(csv_directory, csv_city).hospitals
    assert read == csv_data.hospitals
    assert read is not None and read[0].name == "和平区中心医院"


def test_an_import_replaces_the_stored_hospitals_whole() -> None:
    ports = memory_ports()
    old = Hospital("H001", "和平区中心医院", "D01", GeoPoint(41.78, 123.39))
    new = Hospital("H002", "沈阳市第一人民医院", "D01", GeoPoint(41.79, 123.41))
    import_data_sets(DataSets(hospitals=(old,)), ports)
    assert import_data_sets(DataSets(hospitals=(new,)), ports) == {"hospitals": 1}
    assert ports.hospitals.all_hospitals() == [new]
