"""The programme ports of part B, memory against DynamoDB: home care beds (added once, stepped
over the version read, listed per district), their visits (added once, listed by day), the
providers' bed routes; lunch bookings (one lunch a day whatever the mode, a delivery being
the canteen day's order); day-care bookings (never over a day's places, all or nothing,
cancelled once). Both backends must answer the same."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pytest

from careroute.adapters import memory_beds, memory_meals
from careroute.adapters.dynamodb import home_care_beds, meal_orders
from careroute.adapters.dynamodb.day_care import DynamoDayCare
from careroute.adapters.dynamodb.meal_bookings import DynamoMealBookings
from careroute.adapters.memory_day_care import MemoryDayCare
from careroute.adapters.memory_meal_bookings import MemoryMealBookings
from careroute.domain.bed_visits import BedVisit, BedVisitOutcome
from careroute.domain.beds import BedAction, HomeCareBed, Subsistence, step
from careroute.domain.day_care import BookingStatus, CareKind, DayCareBooking
from careroute.domain.eligibility import CareLevel
from careroute.domain.errors import NotFoundError
from careroute.domain.meals import MealBooking, MealMode
from careroute.domain.vocabulary import CHINA_TZ, GeoPoint, TimeWindow
from careroute.service_layer.ports import MealOrderRepository
from careroute.service_layer.ports.beds import BedRepository, BedRoutes, BedVisitRepository
from careroute.service_layer.ports.day_care import Booked, DayCareBookings
from careroute.service_layer.ports.meal_bookings import MealBookings
from tests.conftest import TODAY
from tests.contract.conftest import Backend

DAY = TODAY + timedelta(days=2)
AT = datetime.combine(TODAY, datetime.min.time(), CHINA_TZ) + timedelta(hours=9)


@dataclass(frozen=True)
class Programmes:
    beds: BedRepository
    visits: BedVisitRepository
    routes: BedRoutes
    lunches: MealBookings
    orders: MealOrderRepository
    day_care: DayCareBookings


@pytest.fixture
def programmes(backend: Backend) -> Programmes:
    """The programme adapters of the same backend (the DynamoDB one is reset with it)."""
    if backend.name == "memory":
        orders = memory_meals.MemoryMealOrders()
        return Programmes(
            memory_beds.MemoryBeds(), memory_beds.MemoryBedVisits(), memory_beds.MemoryBedRoutes(),
            MemoryMealBookings(orders), orders, MemoryDayCare(),
        )  # fmt: skip
    return Programmes(
        home_care_beds, home_care_beds, home_care_beds, DynamoMealBookings(), meal_orders,
        DynamoDayCare(),
    )  # fmt: skip


def a_bed(n: int, district_id: str = "D01") -> HomeCareBed:
    return HomeCareBed(
        f"hcb-{n}", f"E{n}", "C0001", "S001", district_id, GeoPoint(41.79, 123.4), "P1",
        Subsistence.LOW_INCOME, CareLevel.DISABLED, TODAY - timedelta(days=30),
    )  # fmt: skip


def a_visit(n: int, on: date, outcome: BedVisitOutcome = BedVisitOutcome.SERVED) -> BedVisit:
    at = datetime.combine(on, datetime.min.time(), CHINA_TZ) + timedelta(hours=10)
    minutes = 60 if outcome is BedVisitOutcome.SERVED else 0
    return BedVisit(f"bv-{n}-{on}", f"hcb-{n}", f"E{n}", "P1", "K1", "C0001", "S001", "D01",
                    at, outcome, minutes, at)  # fmt: skip


def test_a_bed_is_added_once_stepped_over_its_version_and_listed_by_district(
    programmes: Programmes,
) -> None:
    beds = programmes.beds
    assert beds.add_bed(a_bed(1), "hash-1") and beds.add_bed(a_bed(2, "D02"), "hash-2")
    assert not beds.add_bed(a_bed(1), "hash-other")
    assert beds.get_bed("hcb-1") == (a_bed(1), "hash-1")
    built = step(a_bed(1), BedAction.BUILD, TODAY, frozenset({"fall_sensor"}))
    assert beds.save_bed(a_bed(1), built)
    assert not beds.save_bed(a_bed(1), built)  # the version read is gone
    assert beds.get_bed("hcb-1") == (built, "hash-1")
    assert [b.bed_id for b in beds.beds_of_district("D01")] == ["hcb-1"]
    with pytest.raises(NotFoundError):
        beds.get_bed("hcb-9")


def test_bed_visits_are_added_once_and_listed_by_day(programmes: Programmes) -> None:
    visits = programmes.visits
    for on in (TODAY - timedelta(days=3), TODAY - timedelta(days=1), TODAY):
        assert visits.add_visit(a_visit(1, on), f"h-{on}")
    assert not visits.add_visit(a_visit(1, TODAY), "again")
    found = visits.visits_of_district("D01", TODAY - timedelta(days=2), TODAY)
    assert [v.local_date for v in found] == [TODAY - timedelta(days=1), TODAY]
    assert visits.get_visit(a_visit(1, TODAY).visit_id) == (a_visit(1, TODAY), f"h-{TODAY}")


def test_imported_bed_visits_replace_those_of_their_ids(programmes: Programmes) -> None:
    visits = programmes.visits
    first = a_visit(1, TODAY - timedelta(days=1))
    assert visits.add_visit(first, "h-api")
    corrected = replace(first, outcome=BedVisitOutcome.NOT_HOME, minutes=0)
    assert visits.import_visits([corrected, a_visit(2, TODAY)]) == 2
    found = visits.visits_of_district("D01", TODAY - timedelta(days=5), TODAY)
    assert found == [corrected, a_visit(2, TODAY)]


def test_a_providers_bed_routes_are_stored_per_worker_and_day(programmes: Programmes) -> None:
    route = {"worker_id": "K1", "provider_id": "P1", "date": DAY.isoformat(), "stops": []}
    summary = {"provider_id": "P1", "date": DAY.isoformat(), "planned": 0}
    programmes.routes.save_bed_plan([route], summary)
    assert programmes.routes.bed_route("K1", DAY) == route
    assert programmes.routes.bed_route("K2", DAY) is None


def a_lunch(elder: str, mode: MealMode, meals: int = 1) -> MealBooking:
    window = TimeWindow.parse("11:00", "12:30") if mode is MealMode.DELIVERY else None
    return MealBooking(elder, "C0001", "S001", "D01", "K001", DAY, mode, meals, 5, "fam", AT,
                       GeoPoint(41.79, 123.4), window)  # fmt: skip


def test_one_lunch_a_day_whatever_the_mode_and_a_delivery_is_the_days_order(
    programmes: Programmes,
) -> None:
    lunches = programmes.lunches
    assert lunches.book(a_lunch("E1", MealMode.DELIVERY, 2))
    assert not lunches.book(a_lunch("E1", MealMode.DINE_IN))
    assert lunches.book(a_lunch("E2", MealMode.DINE_IN))
    assert not lunches.book(a_lunch("E2", MealMode.DELIVERY))
    assert lunches.find_booking("K001", DAY, "E1") == a_lunch("E1", MealMode.DELIVERY, 2)
    assert lunches.find_booking("K001", DAY, "E3") is None
    assert [(b.elder_id, b.mode) for b in lunches.bookings_of("K001", DAY, DAY)] == [
        ("E1", MealMode.DELIVERY), ("E2", MealMode.DINE_IN),
    ]  # fmt: skip
    assert [(o.order_id, o.meals) for o in programmes.orders.orders_of("K001", DAY)] == [
        (f"{DAY}:E1", 2)
    ]


def a_stay(n: int, kind: CareKind, first: date, days: int = 1) -> DayCareBooking:
    return DayCareBooking(f"dc-{n}", "F0001", f"E{n}", "C0001", "S001", "D01", kind, first,
                          first + timedelta(days=days - 1), "steward", AT)  # fmt: skip


def test_day_care_is_never_booked_over_a_days_places_and_a_cancel_frees_them(
    programmes: Programmes,
) -> None:
    care = programmes.day_care
    assert care.book(a_stay(1, CareKind.RESPITE, DAY, 3), 1, "h1") is Booked.BOOKED
    assert care.book(a_stay(1, CareKind.RESPITE, DAY, 3), 1, "h1") is Booked.DUPLICATE
    late = a_stay(2, CareKind.RESPITE, DAY + timedelta(days=2), 2)
    assert care.book(late, 1, "h2") is Booked.FULL
    assert care.book(a_stay(3, CareKind.DAY_CARE, DAY), 1, "h3") is Booked.BOOKED
    assert care.booked_places("F0001", DAY, DAY + timedelta(days=3)) == {
        (DAY, CareKind.RESPITE): 1, (DAY, CareKind.DAY_CARE): 1,
        (DAY + timedelta(days=1), CareKind.RESPITE): 1,
        (DAY + timedelta(days=2), CareKind.RESPITE): 1,
    }  # fmt: skip
    stay = a_stay(1, CareKind.RESPITE, DAY, 3)
    cancelled = replace(stay, status=BookingStatus.CANCELLED)
    assert care.cancel(stay, cancelled)
    assert not care.cancel(stay, cancelled)
    assert care.book(late, 1, "h2") is Booked.BOOKED
    assert care.get_booking("F0001", "dc-1") == (cancelled, "h1")
    assert [b.booking_id for b in care.bookings_of("F0001", DAY, DAY + timedelta(days=3))] == [
        "dc-1", "dc-3", "dc-2",
    ]  # fmt: skip
