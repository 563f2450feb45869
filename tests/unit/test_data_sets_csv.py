"""Every data set besides the registry as CSV, the files together: exact round trips, a data
set given by its files or left out, the errors of every file collected, and the import through
the ports. Each data set's own rows and refusals are tested in its module (test_*_data_csv.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from careroute.adapters.data_csv import FILES, read_data_sets, write_data_sets
from careroute.adapters.registry_csv import DataImportError
from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSets, import_data_sets
from tests.csv_rows import edit_cells, load_rows
from tests.unit.data_set_files import LUNCH_DAY, import_errors, memory_ports, undocumented

GENERATED = tuple(
    spec
    for spec in FILES
    if spec.name
    not in {
        "home_care_beds.csv",
        "bed_visits.csv",
        "meal_bookings.csv",
        "day_care_bookings.csv",
        "benefit_claims.csv",
        "orders.csv",
    }
)
"""The files of the data sets a synthetic city has (the beds, visits and bookings' own files are
tested with data of their own in test_programme_data_csv.py, the benefit claims' in
test_benefit_claims_csv.py, the home-service orders' in test_orders_csv.py)."""


def as_sets(data: DataSets) -> dict[str, set[object] | None]:
    return {
        spec.attribute: None if (items := getattr(data, spec.attribute)) is None else set(items)
        for spec in FILES
    }


# ---------------------------------------------------------------------------------------------
# Writing and round trips


def test_every_data_set_of_a_synthetic_city_has_rows(csv_data: DataSets) -> None:
    for spec in GENERATED:
        assert getattr(csv_data, spec.attribute), spec.attribute


def test_write_then_read_gives_the_same_data_sets(
    csv_directory: Path, csv_data: DataSets, csv_city: Registry
) -> None:
    assert as_sets(read_data_sets(csv_directory, csv_city)) == as_sets(csv_data)


def test_write_read_write_is_byte_identical(
    csv_directory: Path, csv_city: Registry, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = tmp_path_factory.mktemp("again")
    written = write_data_sets(again, read_data_sets(csv_directory, csv_city))
    assert set(written) == {spec.name for spec in GENERATED}
    for spec in GENERATED:
        assert (again / spec.name).read_bytes() == (csv_directory / spec.name).read_bytes(), (
            spec.name
        )


def test_written_files_have_the_documented_header_rows(csv_directory: Path) -> None:
    for spec in GENERATED:
        assert tuple(load_rows(csv_directory, spec.name)[0]) == spec.columns
        assert undocumented(csv_directory, spec.name) == [], spec.name


def test_a_directory_without_data_set_files_gives_no_data_set(
    tmp_path: Path, csv_city: Registry
) -> None:
    assert read_data_sets(tmp_path, csv_city) == DataSets()


def test_a_data_set_left_out_is_not_given(
    csv_directory: Path, csv_data: DataSets, csv_city: Registry
) -> None:
    (csv_directory / "devices.csv").unlink()
    read = read_data_sets(csv_directory, csv_city)
    assert read.devices is None
    assert read.inspectors is not None and set(read.inspectors) == set(csv_data.inspectors or ())


# ---------------------------------------------------------------------------------------------
# Rejections: every file's errors together; nothing returned


def test_errors_of_every_file_are_collected_in_file_and_line_order(
    csv_directory: Path, csv_city: Registry
) -> None:
    edit_cells(csv_directory, "service_facilities.csv", 3, {"kind": "x"})
    edit_cells(csv_directory, "devices.csv", 4, {"kind": "x"})
    edit_cells(csv_directory, "devices.csv", 2, {"installed_on": "x"})
    edit_cells(csv_directory, "inspectors.csv", 2, {"days_off": "x"})
    errors = import_errors(csv_directory, csv_city)
    assert [(e.file, e.line) for e in errors] == [
        ("inspectors.csv", 2),
        ("devices.csv", 2),
        ("devices.csv", 4),
        ("service_facilities.csv", 3),
    ]
    assert str(DataImportError(errors)).startswith("data not imported: 4 error(s)")


# ---------------------------------------------------------------------------------------------
# The import through the ports


def test_import_stores_every_data_set_given(csv_data: DataSets) -> None:
    data = csv_data
    ports = memory_ports()
    written = import_data_sets(data, ports)
    assert data.meal_orders is not None and data.canteens is not None
    assert written["devices"] == len(data.devices or ())
    assert written["meal_orders"] == len(data.meal_orders)
    assert ports.canteens.all_canteens() == sorted(data.canteens, key=lambda c: c.canteen_id)
    assert ports.facilities.all_facilities() == sorted(
        data.service_facilities or (), key=lambda f: f.facility_id
    )
    device = (data.devices or ())[-1]
    assert ports.devices.get_device(device.device_id) == device
    canteen = data.canteens[0]
    assert set(ports.meal_orders.orders_of(canteen.canteen_id, LUNCH_DAY)) == {
        o for o in data.meal_orders if o.canteen_id == canteen.canteen_id
    }
    district = data.canteens[0].district_id
    assert set(ports.assessors.assessors_of(district)) == set(data.assessors or ())
    assert set(ports.inspectors.inspectors_of(district)) == set(data.inspectors or ())
    provider = (data.providers or ())[0]
    assert provider in ports.providers.providers_of(district)
    assert set(ports.providers.workers_of(provider.provider_id)) == {
        w for w in data.service_workers or () if w.provider_id == provider.provider_id
    }
    assert ports.providers.is_pilot((data.pilot_communities or ())[0])


def test_import_leaves_the_data_sets_not_given_alone() -> None:
    assert import_data_sets(DataSets(), memory_ports()) == {}
