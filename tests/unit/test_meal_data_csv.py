"""The lunch data sets as CSV: canteens.csv (the canteens and the communities each delivers
to) and meal_orders.csv (the lunch orders of a day): every bad row named by file, line,
field and reason, the canteens an order may name, and a GCJ-02 export read back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from careroute.adapters.data_csv import read_data_sets, write_data_sets
from careroute.adapters.registry_csv import DataImportError, RowError
from careroute.domain.geo import Crs
from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSets
from tests.csv_rows import edit_cells, load_rows, save_rows
from tests.unit.data_set_files import bad_cells_test, import_errors

test_each_bad_cell_gives_a_row_error_naming_file_line_field_and_reason = bad_cells_test(
    "canteens.csv", "meal_orders.csv"
)


def test_a_second_lunch_order_of_an_elder_on_a_day_is_a_duplicate(
    csv_directory: Path, csv_city: Registry
) -> None:
    rows = load_rows(csv_directory, "meal_orders.csv")
    save_rows(csv_directory, "meal_orders.csv", [*rows, rows[1]])
    errors = import_errors(csv_directory, csv_city)
    assert [(e.file, e.line, e.field) for e in errors] == [
        ("meal_orders.csv", len(rows) + 1, "elder_id")
    ]
    assert errors[0].reason == (
        f"duplicate day and elder_id '{rows[1][0]}, {rows[1][1]}' (first on line 2)"
    )


def test_a_community_is_delivered_to_by_one_canteen(
    csv_directory: Path, csv_city: Registry
) -> None:
    rows = load_rows(csv_directory, "canteens.csv")
    taken = rows[1][5].split(";")[0]
    edit_cells(csv_directory, "canteens.csv", 3, {"community_ids": f"{rows[2][5]};{taken}"})
    errors = import_errors(csv_directory, csv_city)
    assert (
        RowError(
            "canteens.csv",
            3,
            "community_ids",
            f"community {taken} is delivered to by canteen {rows[1][0]} (line 2)",
        )
        in errors
    )


def test_a_lunch_order_from_a_canteen_not_delivering_to_the_elder_is_refused(
    csv_directory: Path, csv_city: Registry
) -> None:
    rows = load_rows(csv_directory, "meal_orders.csv")
    other = next(r[2] for r in rows[1:] if r[2] != rows[1][2])
    edit_cells(csv_directory, "meal_orders.csv", 2, {"canteen_id": other})
    errors = import_errors(csv_directory, csv_city)
    assert [(e.line, e.field) for e in errors] == [(2, "canteen_id")]
    assert errors[0].reason.startswith(f"canteen {other} does not deliver to community")


def test_lunch_orders_without_canteens_csv_name_the_stored_canteens(
    csv_directory: Path, csv_city: Registry, csv_data: DataSets
) -> None:
    (csv_directory / "canteens.csv").unlink()
    stored = csv_data.canteens or ()
    read = read_data_sets(csv_directory, csv_city, canteens=stored)
    assert read.canteens is None and set(read.meal_orders or ()) == set(csv_data.meal_orders or ())
    errors = import_errors(csv_directory, csv_city)
    assert len(errors) == len(csv_data.meal_orders or ())
    assert {(e.field, e.reason.split(" '")[0]) for e in errors} == {
        ("canteen_id", "unknown canteen")
    }


def test_lunch_orders_name_the_canteens_of_canteens_csv_not_the_stored_ones(
    csv_directory: Path, csv_city: Registry, csv_data: DataSets
) -> None:
    closed = replace((csv_data.canteens or ())[0], canteen_id="K999")
    assert read_data_sets(csv_directory, csv_city, canteens=[closed]).canteens == tuple(
        sorted(csv_data.canteens or (), key=lambda c: c.canteen_id)
    )
    edit_cells(csv_directory, "meal_orders.csv", 2, {"canteen_id": "K999"})
    with pytest.raises(DataImportError):
        read_data_sets(csv_directory, csv_city, canteens=[closed])


def test_a_gcj02_export_reads_back_within_a_metre_and_writes_back_as_wgs84(
    csv_data: DataSets, csv_city: Registry, tmp_path: Path
) -> None:
    write_data_sets(tmp_path, csv_data, crs=Crs.GCJ02)
    assert load_rows(tmp_path, "canteens.csv")[0][-1] == "crs"
    back = read_data_sets(tmp_path, csv_city)
    assert back.canteens is not None and csv_data.canteens is not None
    for read, original in zip(back.canteens, csv_data.canteens, strict=True):
        assert abs(read.location.lat - original.location.lat) < 1e-5
        assert abs(read.location.lng - original.location.lng) < 1e-5
