"""The canteens' month totals of booked lunches, memory against DynamoDB: kept with each
booking (a refused second lunch of the day adds nothing) and each import (an imported lunch
replacing the elder's booking of the day in the other mode), they equal the totals
recounted from every booking of the month, canteen by canteen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from careroute.adapters.dynamodb.meal_bookings import DynamoMealBookings
from careroute.adapters.memory_meal_bookings import MemoryMealBookings
from careroute.adapters.memory_meals import MemoryMealOrders
from careroute.domain.meals import MealBooking, MealMode
from careroute.domain.vocabulary import CHINA_TZ, GeoPoint, TimeWindow
from careroute.service_layer.ports.meal_bookings import MealBookings, MonthTotals
from tests.contract.conftest import Backend

DECEMBER, JANUARY = date(2026, 12, 1), date(2027, 1, 1)
AT = datetime(2026, 11, 28, 9, 0, tzinfo=CHINA_TZ)


@pytest.fixture
def lunches(backend: Backend) -> MealBookings:
    """The lunch bookings of the same backend (the DynamoDB one is reset with it)."""
    if backend.name == "memory":
        return MemoryMealBookings(MemoryMealOrders())
    return DynamoMealBookings()


def a_lunch(elder: str, canteen: str, day: date, mode: MealMode, meals: int = 1) -> MealBooking:
    window = TimeWindow.parse("11:00", "12:30") if mode is MealMode.DELIVERY else None
    return MealBooking(elder, "C0001", "S001", "D01", canteen, day, mode, meals, 5, "fam", AT,
                       GeoPoint(41.79, 123.4), window)  # fmt: skip


def recounted(lunches: MealBookings, first: date, canteens: list[str]) -> list[MonthTotals]:
    """The full computation: every booking of the month, canteen by canteen."""
    last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    found = [(c, lunches.bookings_of(c, first, last)) for c in canteens]
    return [MonthTotals.of(c, mine) for c, mine in found if mine]


def test_the_month_totals_kept_with_bookings_and_imports_are_the_recounted_ones(
    lunches: MealBookings,
) -> None:
    canteens = ["K001", "K002", "K003"]
    assert lunches.month_totals(DECEMBER) == []
    booked = [
        a_lunch("E1", "K001", date(2026, 12, 3), MealMode.DELIVERY, 2),
        a_lunch("E1", "K001", date(2026, 12, 4), MealMode.DINE_IN),
        a_lunch("E2", "K001", date(2026, 12, 3), MealMode.DINE_IN),
        a_lunch("E3", "K002", date(2026, 12, 31), MealMode.DELIVERY, 3),
        a_lunch("E3", "K002", date(2027, 1, 1), MealMode.DELIVERY),
    ]
    assert all(lunches.book(b) for b in booked)
    assert not lunches.book(booked[0])  # a retried booking
    assert not lunches.book(a_lunch("E2", "K001", date(2026, 12, 3), MealMode.DELIVERY))
    assert lunches.month_totals(DECEMBER) == [
        MonthTotals("K001", 3, 2, 2, 20, frozenset({"E1", "E2"})),
        MonthTotals("K002", 1, 3, 0, 15, frozenset({"E3"})),
    ]

    # E2's dine-in of the 3rd becomes a delivery of 2; E4 eats at K003 on the 10th.
    imported = [a_lunch("E2", "K001", date(2026, 12, 3), MealMode.DELIVERY, 2),
                a_lunch("E4", "K003", date(2026, 12, 10), MealMode.DINE_IN)]  # fmt: skip
    assert lunches.import_bookings(imported) == 2
    for first in (DECEMBER, JANUARY):
        assert lunches.month_totals(first) == recounted(lunches, first, canteens)
    assert lunches.month_totals(DECEMBER)[0] == MonthTotals(
        "K001", 3, 4, 1, 25, frozenset({"E1", "E2"})
    )
    assert [t.canteen_id for t in lunches.month_totals(JANUARY)] == ["K002"]
