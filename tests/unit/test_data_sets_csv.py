"""Every data set besides the registry as CSV: exact round trips, every bad row named by file,
line, field and reason, all or nothing, and the import through the ports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city
from careroute_synthetic.data_sets import synthetic_data_sets

from careroute.adapters.data_csv import FILES, read_data_sets, write_data_sets
from careroute.adapters.memory import MemoryElders
from careroute.adapters.memory_assessments import MemoryAssessmentRequests, MemoryAssessors
from careroute.adapters.memory_beds import MemoryBeds, MemoryBedVisits
from careroute.adapters.memory_benefits import MemoryBenefitClaims
from careroute.adapters.memory_circle import MemoryFacilities
from careroute.adapters.memory_day_care import MemoryDayCare
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
from careroute.domain.assessments import RequestStatus
from careroute.domain.eligibility import CareLevel
from careroute.domain.geo import Crs
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSetLoading, DataSets, import_data_sets
from tests.csv_rows import edit_cells, load_rows, save_rows

AS_OF = date(2026, 12, 1)
LUNCH_DAY = date(2026, 12, 2)
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


@pytest.fixture(scope="module")
def city() -> Registry:
    """Eight Heping communities (~1,000 elders)."""
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.05)


@pytest.fixture(scope="module")
def data(city: Registry) -> DataSets:
    return synthetic_data_sets(city, 11, AS_OF, load_policy(), lunch_day=LUNCH_DAY)


@pytest.fixture
def directory(tmp_path: Path, data: DataSets) -> Path:
    write_data_sets(tmp_path, data)
    return tmp_path


def line_where(directory: Path, file: str, where: tuple[str, str] | None) -> int:
    """The line (header = 1) of the first row whose `where` field has the value (or 2)."""
    rows = load_rows(directory, file)
    if where is None:
        return 2
    field, value = where
    column = rows[0].index(field)
    return next(n for n, row in enumerate(rows, start=1) if n > 1 and row[column] == value)


def import_errors(directory: Path, city: Registry) -> list[RowError]:
    with pytest.raises(DataImportError) as caught:
        read_data_sets(directory, city)
    return caught.value.errors


def as_sets(data: DataSets) -> dict[str, set[object] | None]:
    return {
        spec.attribute: None if (items := getattr(data, spec.attribute)) is None else set(items)
        for spec in FILES
    }


# ---------------------------------------------------------------------------------------------
# Writing and round trips


def test_every_data_set_of_a_synthetic_city_has_rows(data: DataSets) -> None:
    for spec in GENERATED:
        assert getattr(data, spec.attribute), spec.attribute


def test_write_then_read_gives_the_same_data_sets(
    directory: Path, data: DataSets, city: Registry
) -> None:
    assert as_sets(read_data_sets(directory, city)) == as_sets(data)


def test_write_read_write_is_byte_identical(
    directory: Path, city: Registry, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = tmp_path_factory.mktemp("again")
    written = write_data_sets(again, read_data_sets(directory, city))
    assert set(written) == {spec.name for spec in GENERATED}
    for spec in GENERATED:
        assert (again / spec.name).read_bytes() == (directory / spec.name).read_bytes(), spec.name


def test_written_files_have_the_documented_header_rows(directory: Path) -> None:
    documented = Path(__file__).parents[2].joinpath("docs", "data-format.md").read_text("utf-8")
    for spec in GENERATED:
        header = load_rows(directory, spec.name)[0]
        assert tuple(header) == spec.columns
        assert f"`{spec.name}`" in documented, spec.name
        for column in spec.columns:
            assert f"`{column}`" in documented, (spec.name, column)


def test_a_gcj02_export_reads_back_within_a_metre_and_writes_back_as_wgs84(
    directory: Path, data: DataSets, city: Registry, tmp_path_factory: pytest.TempPathFactory
) -> None:
    amap = tmp_path_factory.mktemp("gcj02")
    write_data_sets(amap, data, crs=Crs.GCJ02)
    assert load_rows(amap, "canteens.csv")[0][-1] == "crs"
    back = read_data_sets(amap, city)
    assert back.canteens is not None and data.canteens is not None
    for read, original in zip(back.canteens, data.canteens, strict=True):
        assert abs(read.location.lat - original.location.lat) < 1e-5
        assert abs(read.location.lng - original.location.lng) < 1e-5


def test_a_done_request_keeps_its_level_and_scores(
    tmp_path: Path, data: DataSets, city: Registry
) -> None:
    first = (data.assessment_requests or ())[0]
    scores = (("basic_movement", 10), ("mental_state", 20), ("self_care", 20))
    done = replace(first, status=RequestStatus.DONE, level=CareLevel.SEMI_DISABLED, scores=scores)
    write_data_sets(tmp_path, DataSets(assessment_requests=(done,)))
    assert read_data_sets(tmp_path, city).assessment_requests == (done,)
    assert load_rows(tmp_path, "assessment_requests.csv")[1][-2:] == [
        "semi",
        "basic_movement=10;mental_state=20;self_care=20",
    ]


def test_a_directory_without_data_set_files_gives_no_data_set(
    tmp_path: Path, city: Registry
) -> None:
    assert read_data_sets(tmp_path, city) == DataSets()


def test_a_data_set_left_out_is_not_given(directory: Path, data: DataSets, city: Registry) -> None:
    (directory / "devices.csv").unlink()
    read = read_data_sets(directory, city)
    assert read.devices is None
    assert read.inspectors is not None and set(read.inspectors) == set(data.inspectors or ())


# ---------------------------------------------------------------------------------------------
# Rejections: file, line, field, reason; nothing returned

BAD_CELLS = [
    # (file, the row to change (field, value) or None for the first, the cells set,
    #  the field the error names, how its reason starts)
    (
        "service_facilities.csv",
        None,
        {"kind": "hospital"},
        "kind",
        "unknown kind 'hospital'; known: day_care",
    ),
    (
        "service_facilities.csv",
        None,
        {"district_id": "D99"},
        "district_id",
        "unknown district 'D99'",
    ),
    ("service_facilities.csv", None, {"lat": "91"}, "lat", "91 is out of range -90..90"),
    ("canteens.csv", None, {"street_id": "S999"}, "street_id", "unknown street 'S999'"),
    ("canteens.csv", None, {"vehicles": "0"}, "vehicles", "0 is out of range 1..1000"),
    ("canteens.csv", None, {"speed_kmh": "fast"}, "speed_kmh", "'fast' is not a number"),
    (
        "canteens.csv",
        None,
        {"community_ids": "C9999"},
        "community_ids",
        "unknown community 'C9999'",
    ),
    ("canteens.csv", None, {"community_ids": ""}, "community_ids", "is empty (required)"),
    ("meal_orders.csv", None, {"meals": "0"}, "meals", "0 is out of range 1..20"),
    (
        "meal_orders.csv",
        None,
        {"day": "2026/12/02"},
        "day",
        "'2026/12/02' is not a date (YYYY-MM-DD)",
    ),
    ("meal_orders.csv", None, {"elder_id": "E999999"}, "elder_id", "unknown elder 'E999999'"),
    (
        "meal_orders.csv",
        None,
        {"canteen_id": "K999"},
        "canteen_id",
        "unknown canteen 'K999'",
    ),
    (
        "meal_orders.csv",
        None,
        {"window_start": "13:00", "window_end": "12:00"},
        "window_start",
        "13:00-12:00 ends before it starts",
    ),
    (
        "devices.csv",
        ("kind", "call_centre"),
        {"elder_id": "E000001"},
        "elder_id",
        "must be empty for a call centre",
    ),
    (
        "devices.csv",
        None,
        {"kind": "toaster"},
        "kind",
        "unknown kind 'toaster'; known: smoke_alarm",
    ),
    (
        "devices.csv",
        ("kind", "smart_watch"),
        {"installed_on": "yesterday"},
        "installed_on",
        "'yesterday' is not a date",
    ),
    ("devices.csv", ("kind", "smart_watch"), {"elder_id": ""}, "elder_id", "is empty (required)"),
    (
        "devices.csv",
        ("kind", "smart_watch"),
        {"community_id": "C9999"},
        "community_id",
        "unknown community 'C9999'",
    ),
    (
        "providers.csv",
        None,
        {"skills": ""},
        "skills",
        "is empty (required): a provider is ordered for some skill",
    ),
    (
        "service_workers.csv",
        None,
        {"provider_id": "hp-nowhere"},
        "provider_id",
        "unknown provider 'hp-nowhere'",
    ),
    (
        "service_workers.csv",
        None,
        {"skills": "juggling"},
        "skills",
        "juggling not among provider hp-D01-care's skills",
    ),
    ("service_workers.csv", None, {"lunch_start": "07:00"}, "lunch_start", "lunch "),
    (
        "service_workers.csv",
        None,
        {"lunch_end": ""},
        "lunch_end",
        "is empty but lunch_start is not",
    ),
    (
        "pilot_communities.csv",
        None,
        {"community_id": "C9999"},
        "community_id",
        "unknown community 'C9999'",
    ),
    ("assessors.csv", None, {"district_id": "D99"}, "district_id", "unknown district 'D99'"),
    (
        "assessment_requests.csv",
        None,
        {"deadline": "2000-01-01"},
        "deadline",
        "2000-01-01 is before requested_on",
    ),
    (
        "assessment_requests.csv",
        None,
        {"status": "done"},
        "level",
        "is empty but the request is done",
    ),
    (
        "assessment_requests.csv",
        None,
        {"level": "semi"},
        "level",
        "must be empty while the request is open",
    ),
    (
        "assessment_requests.csv",
        None,
        {"level": "bedridden", "status": "done"},
        "level",
        "unknown level 'bedridden'",
    ),
    (
        "assessment_requests.csv",
        None,
        {"street_id": "S999"},
        "street_id",
        "'S999' does not match community",
    ),
    ("assessment_requests.csv", None, {"community_id": "C0008"}, "elder_id", "elder "),
    (
        "assessment_requests.csv",
        None,
        {"scores": "self_care=20"},
        "scores",
        "must be empty while the request is open",
    ),
    (
        "assessment_requests.csv",
        None,
        {"status": "done", "level": "semi", "scores": "self_care=x"},
        "scores",
        "'self_care=x' is not dimension=score",
    ),
    ("inspection_targets.csv", None, {"kind": "castle"}, "kind", "unknown kind 'castle'"),
    (
        "inspection_targets.csv",
        ("kind", "institution"),
        {"beds": "10", "occupied_beds": "11"},
        "occupied_beds",
        "11 is more than the 10 beds",
    ),
    (
        "inspection_targets.csv",
        ("kind", "adaptation"),
        {"last_scores": "grab_bars=9"},
        "last_scores",
        "'grab_bars=9' is not item=score",
    ),
    (
        "inspection_targets.csv",
        ("kind", "adaptation"),
        {"last_scores": "fire_safety=5"},
        "last_scores",
        "need each of grab_bars",
    ),
    ("inspection_targets.csv", None, {"due_date": "soon"}, "due_date", "'soon' is not a date"),
    (
        "inspectors.csv",
        None,
        {"days_off": "7"},
        "days_off",
        "'7' is not a weekday number 0 (Monday)..6 (Sunday)",
    ),
    ("inspectors.csv", None, {"break_start": "06:00"}, "break_start", "break "),
    ("inspectors.csv", None, {"shift_end": ""}, "shift_end", "is empty (required)"),
    (
        "devices.csv",
        ("kind", "smart_watch"),
        {"elder_id": "110101199003077777"},
        "elder_id",
        "looks like a national ID number",
    ),
]


@pytest.mark.parametrize(("file", "where", "cells", "field", "reason"), BAD_CELLS)
def test_each_kind_of_bad_value_gives_a_row_error_naming_file_line_field_and_reason(
    directory: Path,
    city: Registry,
    file: str,
    where: tuple[str, str] | None,
    cells: dict[str, str],
    field: str,
    reason: str,
) -> None:
    line = line_where(directory, file, where)
    edit_cells(directory, file, line, cells)
    errors = import_errors(directory, city)
    assert any(
        (e.file, e.line, e.field) == (file, line, field) and e.reason.startswith(reason)
        for e in errors
    ), errors


def test_a_duplicate_id_names_the_first_line(directory: Path, city: Registry) -> None:
    first = load_rows(directory, "devices.csv")[1][0]
    edit_cells(directory, "devices.csv", 3, {"device_id": first})
    assert import_errors(directory, city) == [
        RowError("devices.csv", 3, "device_id", f"duplicate device_id {first!r} (first on line 2)")
    ]


def test_a_second_lunch_order_of_an_elder_on_a_day_is_a_duplicate(
    directory: Path, city: Registry
) -> None:
    rows = load_rows(directory, "meal_orders.csv")
    save_rows(directory, "meal_orders.csv", [*rows, rows[1]])
    errors = import_errors(directory, city)
    assert [(e.file, e.line, e.field) for e in errors] == [
        ("meal_orders.csv", len(rows) + 1, "elder_id")
    ]
    assert errors[0].reason == (
        f"duplicate day and elder_id '{rows[1][0]}, {rows[1][1]}' (first on line 2)"
    )


def test_a_community_is_delivered_to_by_one_canteen(directory: Path, city: Registry) -> None:
    rows = load_rows(directory, "canteens.csv")
    taken = rows[1][5].split(";")[0]
    edit_cells(directory, "canteens.csv", 3, {"community_ids": f"{rows[2][5]};{taken}"})
    errors = import_errors(directory, city)
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
    directory: Path, city: Registry
) -> None:
    rows = load_rows(directory, "meal_orders.csv")
    other = next(r[2] for r in rows[1:] if r[2] != rows[1][2])
    edit_cells(directory, "meal_orders.csv", 2, {"canteen_id": other})
    errors = import_errors(directory, city)
    assert [(e.line, e.field) for e in errors] == [(2, "canteen_id")]
    assert errors[0].reason.startswith(f"canteen {other} does not deliver to community")


def test_the_market_files_go_together(directory: Path, city: Registry) -> None:
    (directory / "service_workers.csv").unlink()
    errors = import_errors(directory, city)
    assert [(e.file, e.line) for e in errors] == [("service_workers.csv", None)]
    assert "providers.csv, service_workers.csv, pilot_communities.csv go together" in str(errors[0])


def test_lunch_orders_without_canteens_csv_name_the_stored_canteens(
    directory: Path, city: Registry, data: DataSets
) -> None:
    (directory / "canteens.csv").unlink()
    stored = data.canteens or ()
    read = read_data_sets(directory, city, canteens=stored)
    assert read.canteens is None and set(read.meal_orders or ()) == set(data.meal_orders or ())
    errors = import_errors(directory, city)
    assert len(errors) == len(data.meal_orders or ())
    assert {(e.field, e.reason.split(" '")[0]) for e in errors} == {
        ("canteen_id", "unknown canteen")
    }


def test_lunch_orders_name_the_canteens_of_canteens_csv_not_the_stored_ones(
    directory: Path, city: Registry, data: DataSets
) -> None:
    closed = replace((data.canteens or ())[0], canteen_id="K999")
    assert read_data_sets(directory, city, canteens=[closed]).canteens == tuple(
        sorted(data.canteens or (), key=lambda c: c.canteen_id)
    )
    edit_cells(directory, "meal_orders.csv", 2, {"canteen_id": "K999"})
    with pytest.raises(DataImportError):
        read_data_sets(directory, city, canteens=[closed])


def test_an_unreadable_file_is_reported_and_references_to_it_are_not(
    directory: Path, city: Registry
) -> None:
    (directory / "providers.csv").write_text("provider_id,district_id\n", "utf-8")
    errors = import_errors(directory, city)
    assert {(e.file, e.line) for e in errors} == {("providers.csv", 1)}
    assert {e.field for e in errors} == {"lat", "lng", "skills"}


def test_errors_of_every_file_are_collected_in_file_and_line_order(
    directory: Path, city: Registry
) -> None:
    edit_cells(directory, "service_facilities.csv", 3, {"kind": "x"})
    edit_cells(directory, "devices.csv", 4, {"kind": "x"})
    edit_cells(directory, "devices.csv", 2, {"installed_on": "x"})
    edit_cells(directory, "inspectors.csv", 2, {"days_off": "x"})
    errors = import_errors(directory, city)
    assert [(e.file, e.line) for e in errors] == [
        ("inspectors.csv", 2),
        ("devices.csv", 2),
        ("devices.csv", 4),
        ("service_facilities.csv", 3),
    ]
    assert str(DataImportError(errors)).startswith("data not imported: 4 error(s)")


# ---------------------------------------------------------------------------------------------
# The import through the ports


def memory_ports() -> DataSetLoading:
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
    )


def test_import_stores_every_data_set_given(data: DataSets) -> None:
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
