"""Home care beds and their service visits, lunch bookings and day-care bookings as CSV
files, with every other data set's contract: exact round trips (export, import, export: the
same bytes), every bad row named by file, line, field and reason, nothing written on any
error, and the import through the ports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from careroute_synthetic.beds import bed_market, generate_beds

from careroute.adapters.data_csv import Stored, read_data_sets, write_data_sets
from careroute.adapters.memory_beds import MemoryBeds, MemoryBedVisits
from careroute.adapters.memory_day_care import MemoryDayCare
from careroute.adapters.memory_meal_bookings import MemoryMealBookings
from careroute.adapters.memory_meals import MemoryMealOrders
from careroute.adapters.registry_csv import RowError
from careroute.domain.bed_visits import last_served
from careroute.domain.beds import BedStatus
from careroute.domain.day_care import BookingStatus, CareKind, DayCareBooking, DayCarePolicy
from careroute.domain.meals import MealBooking, MealMode
from careroute.domain.scope_ids import scope_ids
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Registry
from careroute.planning.service_circle import FacilityKind
from careroute.service_layer.data_import import DataSets
from tests.csv_rows import edit_cells, load_rows
from tests.unit.data_set_files import (
    AS_OF,
    BadCell,
    assert_bad_cell_named,
    bad_cells,
    import_errors,
    undocumented,
)

NEW_FILES = ("home_care_beds.csv", "bed_visits.csv", "meal_bookings.csv", "day_care_bookings.csv")
PLACED_AT = datetime(2026, 12, 1, 8, 30, tzinfo=CHINA_TZ)


@pytest.fixture(scope="module")
def city(csv_city: Registry) -> Registry:
    return csv_city


@pytest.fixture(scope="module")
def data(csv_city: Registry, csv_data: DataSets) -> DataSets:
    return with_programmes(csv_city, csv_data, AS_OF)


def with_programmes(city: Registry, base: DataSets, as_of: date) -> DataSets:
    """The synthetic city's data sets with its beds (their provider in providers.csv, the
    last bed closed) and their last service visits, a lunch booked by each of the first
    elders of the lunch orders (a delivery the order itself, a dine-in lunch the next day),
    and day-care bookings at a centre (a respite stay, day places, one cancelled)."""
    synthetic = generate_beds(11, city, as_of=as_of)
    beds = synthetic.beds
    closed = replace(beds[-1], status=BedStatus.CLOSED, closed_on=as_of)
    market = bed_market(city, beds)
    return replace(
        base,
        providers=(*(base.providers or ()), *market.providers),
        service_workers=(*(base.service_workers or ()), *market.workers),
        home_care_beds=(*beds[:-1], closed),
        bed_visits=synthetic.history,
        meal_bookings=_meal_bookings(city, base),
        day_care_bookings=_day_care_bookings(city, base, as_of),
    )


def _meal_bookings(city: Registry, base: DataSets) -> tuple[MealBooking, ...]:
    elders = {e.elder_id: e for e in city.elders}
    communities = {c.community_id: c for c in city.communities}
    bookings = []
    for order in (base.meal_orders or ())[:6]:
        community = communities[elders[order.elder_id].community_id]
        day = date.fromisoformat(order.order_id.partition(":")[0])
        delivery = MealBooking(
            elder_id=order.elder_id,
            **scope_ids(community),
            canteen_id=order.canteen_id,
            day=day,
            mode=MealMode.DELIVERY,
            meals=order.meals,
            subsidy_per_meal=3,
            placed_by="family:" + order.elder_id,
            placed_at=PLACED_AT,
            location=order.location,
            window=order.window,
        )
        dine_in = replace(delivery, day=day + timedelta(days=1), mode=MealMode.DINE_IN, window=None)
        bookings += [delivery, dine_in]
    return tuple(bookings)


def _day_care_bookings(city: Registry, base: DataSets, as_of: date) -> tuple[DayCareBooking, ...]:
    centre = next(f for f in base.service_facilities or () if f.kind is FacilityKind.DAY_CARE)
    communities = {c.community_id: c for c in city.communities}
    elders = [e for e in city.elders if e.status is ElderStatus.ACTIVE][:5]
    bookings = []
    for n, elder in enumerate(elders):
        respite = n == 0
        first = as_of + timedelta(days=n + 1)
        bookings.append(
            DayCareBooking(
                booking_id=f"dc-test-{n}",
                centre_id=centre.facility_id,
                elder_id=elder.elder_id,
                **scope_ids(communities[elder.community_id]),
                kind=CareKind.RESPITE if respite else CareKind.DAY_CARE,
                first_day=first,
                last_day=first + timedelta(days=4 if respite else 0),
                booked_by="steward:x",
                booked_at=PLACED_AT,
                status=BookingStatus.CANCELLED if n == 4 else BookingStatus.BOOKED,
            )
        )
    return tuple(bookings)


@pytest.fixture
def directory(tmp_path: Path, data: DataSets) -> Path:
    write_data_sets(tmp_path, data)
    return tmp_path


def memory_ports() -> tuple[MemoryBeds, MemoryMealBookings, MemoryMealOrders, MemoryDayCare]:
    orders = MemoryMealOrders()
    return MemoryBeds(), MemoryMealBookings(orders), orders, MemoryDayCare()


def stored_sets(
    beds: MemoryBeds, meals: MemoryMealBookings, day_care: MemoryDayCare, base: DataSets
) -> DataSets:
    """What an export of the stores writes (the other data sets as they were)."""
    return replace(
        base,
        home_care_beds=tuple(beds.all_beds()),
        meal_bookings=tuple(meals.all_bookings()),
        day_care_bookings=tuple(day_care.all_bookings()),
    )


def import_into_memory(
    data: DataSets,
) -> tuple[MemoryBeds, MemoryMealBookings, MemoryMealOrders, MemoryDayCare]:
    beds, meals, orders, day_care = memory_ports()
    for day in sorted({o.order_id.partition(":")[0] for o in data.meal_orders or ()}):
        orders.save_orders(
            date.fromisoformat(day),
            [o for o in data.meal_orders or () if o.order_id.startswith(day)],
        )
    beds.import_beds(data.home_care_beds or ())
    meals.import_bookings(data.meal_bookings or ())
    day_care.import_bookings(data.day_care_bookings or ())
    return beds, meals, orders, day_care


# ---------------------------------------------------------------------------------------------
# Round trips


def test_every_new_data_set_has_rows_of_each_kind(data: DataSets) -> None:
    beds = data.home_care_beds or ()
    assert {b.status for b in beds} == {BedStatus.BUILT, BedStatus.ACCEPTED, BedStatus.CLOSED}
    assert data.bed_visits
    assert {b.mode for b in data.meal_bookings or ()} == set(MealMode)
    assert {b.kind for b in data.day_care_bookings or ()} == set(CareKind)


def test_write_then_read_gives_the_same_items(
    directory: Path, data: DataSets, city: Registry
) -> None:
    """Everything but a bed's version (a write counter, not data: an imported bed is new)."""
    read = read_data_sets(directory, city)
    for name in ("bed_visits", "meal_bookings", "day_care_bookings"):
        assert set(getattr(read, name)) == set(getattr(data, name)), name
    given = {replace(bed, version=1) for bed in data.home_care_beds or ()}
    assert set(read.home_care_beds or ()) == given


def test_export_import_export_is_byte_identical(
    directory: Path, data: DataSets, city: Registry, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The files written, imported into the stores, and the stores exported again."""
    beds, meals, _, day_care = import_into_memory(read_data_sets(directory, city))
    again = tmp_path_factory.mktemp("again")
    write_data_sets(again, stored_sets(beds, meals, day_care, data))
    for file in NEW_FILES:
        assert (again / file).read_bytes() == (directory / file).read_bytes(), file


def test_bed_visits_exported_from_the_store_give_the_same_file(
    directory: Path, city: Registry, data: DataSets, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """bed_visits.csv imported into the visits' store and exported again: the same bytes, and
    the planner reads each bed's last service from them."""
    read = read_data_sets(directory, city)
    visits = MemoryBedVisits()
    assert visits.import_visits(read.bed_visits or ()) == len(data.bed_visits or ())
    districts = sorted({c.district_id for c in city.communities})
    stored = tuple(v for d in districts for v in visits.visits_of_district(d, date.min, date.max))
    again = tmp_path_factory.mktemp("visits")
    write_data_sets(again, replace(data, bed_visits=stored))
    assert (again / "bed_visits.csv").read_bytes() == (directory / "bed_visits.csv").read_bytes()
    first = (data.bed_visits or ())[0]
    assert last_served(stored, AS_OF)[first.bed_id] == first.local_date


def test_bed_visits_without_home_care_beds_csv_name_the_stored_beds(
    directory: Path, data: DataSets, city: Registry
) -> None:
    (directory / "home_care_beds.csv").unlink()
    assert {e.field for e in import_errors(directory, city)} == {"bed_id"}
    stored = Stored(beds=data.home_care_beds or ())
    assert read_data_sets(directory, city, stored=stored).bed_visits == data.bed_visits


def test_import_keeps_one_open_bed_per_elder_and_the_places_booked(data: DataSets) -> None:
    beds, meals, orders, day_care = import_into_memory(data)
    open_bed = next(b for b in data.home_care_beds or () if b.status is not BedStatus.CLOSED)
    closed = (data.home_care_beds or ())[-1]
    assert beds.open_bed_of(open_bed.elder_id) == open_bed.bed_id
    assert beds.open_bed_of(closed.elder_id) is None
    delivery = (data.meal_bookings or ())[0]
    assert meals.find_booking(delivery.canteen_id, delivery.day, delivery.elder_id) == delivery
    assert orders.has_order(delivery.canteen_id, delivery.booking_id)
    respite = (data.day_care_bookings or ())[0]
    places = day_care.booked_places(respite.centre_id, AS_OF, AS_OF + timedelta(days=10))
    assert places[(respite.first_day, CareKind.RESPITE)] == 1
    cancelled = (data.day_care_bookings or ())[-1]
    assert (cancelled.first_day, CareKind.DAY_CARE) not in places


def test_a_lunch_imported_as_dine_in_replaces_the_delivery_order(data: DataSets) -> None:
    _, meals, orders, _ = import_into_memory(data)
    delivery = (data.meal_bookings or ())[0]
    meals.import_bookings([replace(delivery, mode=MealMode.DINE_IN, window=None)])
    assert not orders.has_order(delivery.canteen_id, delivery.booking_id)


# ---------------------------------------------------------------------------------------------
# Rejections: file, line, field, reason; nothing returned, so nothing written


@pytest.mark.parametrize("bad", bad_cells(*NEW_FILES), ids=BadCell.id)
def test_each_bad_value_is_named_by_file_line_field_and_reason(
    directory: Path, city: Registry, bad: BadCell
) -> None:
    assert_bad_cell_named(directory, city, bad)


def test_a_second_open_bed_of_an_elder_is_refused(directory: Path, city: Registry) -> None:
    rows = load_rows(directory, "home_care_beds.csv")
    elder = rows[1][1]
    edit_cells(directory, "home_care_beds.csv", 3, {"elder_id": elder, "community_id": rows[1][2]})
    errors = import_errors(directory, city)
    assert (
        RowError(
            "home_care_beds.csv",
            3,
            "elder_id",
            f"elder {elder} has another bed not closed ({rows[1][0]}, line 2)",
        )
        in errors
    )


def test_a_bed_for_an_elder_holding_a_stored_open_bed_is_refused(
    directory: Path, city: Registry
) -> None:
    rows = load_rows(directory, "home_care_beds.csv")
    stored = Stored(open_beds={rows[1][1]: "hcb-stored"})
    errors = import_errors(directory, city, stored)
    assert [(e.line, e.field) for e in errors] == [(2, "elder_id")]
    assert "holds stored bed hcb-stored" in errors[0].reason


def test_beds_without_providers_csv_name_the_stored_providers(
    directory: Path, data: DataSets, city: Registry
) -> None:
    for file in ("providers.csv", "service_workers.csv", "pilot_communities.csv"):
        (directory / file).unlink()
    assert {e.field for e in import_errors(directory, city)} == {"provider_id"}
    stored = Stored(providers=data.providers or ())
    assert read_data_sets(directory, city, stored=stored).home_care_beds is not None


def test_a_day_care_booking_over_the_places_is_refused(directory: Path, city: Registry) -> None:
    one_place = Stored(day_care=DayCarePolicy(day_places=1, respite_places=1))
    rows = load_rows(directory, "day_care_bookings.csv")
    day = rows[2][7]
    edit_cells(directory, "day_care_bookings.csv", 4, {"first_day": day, "last_day": day})
    errors = import_errors(directory, city, one_place)
    assert errors == [
        RowError(
            "day_care_bookings.csv",
            4,
            "first_day",
            f"{day} is full: centre {rows[2][1]} offers 1 day_care places a day",
        )
    ]


def test_a_booking_at_a_facility_not_a_day_care_centre_is_refused(
    directory: Path, data: DataSets, city: Registry
) -> None:
    station = next(f for f in data.service_facilities or () if f.kind is not FacilityKind.DAY_CARE)
    edit_cells(directory, "day_care_bookings.csv", 2, {"centre_id": station.facility_id})
    errors = import_errors(directory, city)
    assert [e.reason for e in errors] == [
        f"facility {station.facility_id} is not a day-care centre"
    ]


def test_a_dine_in_lunch_beside_a_delivery_order_of_the_day_is_refused(
    directory: Path, city: Registry
) -> None:
    edit_cells(
        directory, "meal_bookings.csv", 2, {"mode": "dine_in", "window_start": "", "window_end": ""}
    )
    errors = import_errors(directory, city)
    assert [(e.field, e.reason.split(" (")[0]) for e in errors] == [
        ("mode", "the elder's lunch that day is a delivery")
    ]


def test_nothing_is_written_when_any_file_has_an_error(
    directory: Path, data: DataSets, city: Registry
) -> None:
    """One bad cell in the last file read: no data set is returned, so the import writes
    nothing, and the errors of every file are listed in file order."""
    edit_cells(directory, "home_care_beds.csv", 2, {"status": "lost"})
    edit_cells(directory, "day_care_bookings.csv", 3, {"kind": "overnight"})
    edit_cells(directory, "meal_bookings.csv", 2, {"meals": "0"})
    errors = import_errors(directory, city)
    assert [e.file for e in errors] == [
        "meal_bookings.csv",
        "home_care_beds.csv",
        "day_care_bookings.csv",
    ]


def test_the_files_and_their_columns_are_documented(directory: Path) -> None:
    for file in NEW_FILES:
        assert undocumented(directory, file) == [], file
