"""Lunch booked through the API on the memory adapters: the family books dine-in or delivery
at the community canteen (a delivery becomes the canteen day's order the routes plan), one
lunch a day per elder, the subsidy fixed by age when booked; bad input is refused naming the
field and writes nothing; officials read each canteen's month of meals and subsidy."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from careroute.adapters import memory, memory_meals
from careroute.adapters.memory_meal_bookings import MemoryMealBookings
from careroute.domain.access import Caller, Role
from careroute.domain.errors import ConflictError, ForbiddenError, ValidationError
from careroute.domain.meals import MealMode, MealPolicy
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus
from careroute.planning.meals import Canteen
from careroute.service_layer.meal_orders import (
    LunchBooking,
    LunchRequest,
    book_lunch,
    meal_subsidies,
)
from tests.builders import BASE, CITY_ADMIN, a_community, an_elder

RULES = MealPolicy()  # 3 yuan a meal, 5 at 80+; a week ahead; today's until 09:00
NOW = datetime(2026, 11, 9, 8, 0, tzinfo=CHINA_TZ)
TOMORROW = date(2026, 11, 10)
FAMILY = Caller("family-sub", Role.FAMILY, "E1")


@pytest.fixture
def ports() -> tuple[LunchBooking, memory_meals.MemoryMealOrders]:
    """Elder E1 (86) and E2 (66) of community C1 (street S1), canteen K1 serving C1."""
    communities = memory.MemoryCommunities()
    communities.save_communities([a_community(location=BASE)])
    orders = memory_meals.MemoryMealOrders()
    canteens = memory_meals.MemoryCanteens()
    canteens.replace_canteens([Canteen("K1", "D1", "S1", BASE, ("C1",), 2, 40, 20.0)])
    elders = memory.MemoryElders()
    old = an_elder(born=date(1940, 5, 1))
    elders.save_elders([old, replace(old, elder_id="E2", birth_date=date(1960, 1, 1))])
    booking = LunchBooking(
        MemoryMealBookings(orders), canteens, elders, memory.MemoryStewards(),
        memory.MemoryScopes(communities),
    )  # fmt: skip
    return booking, orders


def delivery(elder: str = "E1", day: date = TOMORROW, meals: int = 1) -> LunchRequest:
    return LunchRequest(elder, "C1", day, MealMode.DELIVERY, meals, "11:00", "12:00")


def test_a_delivery_is_booked_once_and_becomes_the_canteen_days_order(
    ports: tuple[LunchBooking, memory_meals.MemoryMealOrders],
) -> None:
    booking, orders = ports
    booked, created = book_lunch(FAMILY, delivery(meals=2), NOW, RULES, booking)
    again, created_again = book_lunch(FAMILY, delivery(meals=2), NOW, RULES, booking)
    assert (created, created_again, again) == (True, False, booked)
    assert (booked.canteen_id, booked.subsidy_per_meal, booked.subsidy_yuan) == ("K1", 5, 10)
    assert [(o.order_id, o.meals) for o in orders.orders_of("K1", TOMORROW)] == [
        (f"{TOMORROW}:E1", 2)
    ]
    with pytest.raises(ConflictError, match="has a lunch on"):
        book_lunch(FAMILY, replace(delivery(), mode=MealMode.DINE_IN, window_start=None,
                                   window_end=None), NOW, RULES, booking)  # fmt: skip


def test_dine_in_is_no_delivery_order_and_a_younger_elder_gets_the_base_subsidy(
    ports: tuple[LunchBooking, memory_meals.MemoryMealOrders],
) -> None:
    booking, orders = ports
    request = LunchRequest("E2", "C1", TOMORROW, MealMode.DINE_IN)
    booked, _ = book_lunch(CITY_ADMIN, request, NOW, RULES, booking)
    assert (booked.subsidy_per_meal, booked.window) == (3, None)
    assert orders.orders_of("K1", TOMORROW) == ()


@pytest.mark.parametrize(
    ("request_", "now", "message"),
    [
        (delivery(day=date(2026, 11, 8)), NOW, "day: 2026-11-08 is in the past"),
        (delivery(day=date(2026, 11, 17)), NOW, "day: at most 7 days ahead"),
        (delivery(day=date(2026, 11, 9)), NOW.replace(hour=9, minute=30), "booked until 09:00"),
        (delivery(meals=3), NOW, "meals: 1 to 2 a booking"),
        (replace(delivery(), window_start="09:00"), NOW, "within the delivery hours"),
        (replace(delivery(), window_end=None), NOW, "a delivery needs a hand-over window"),
        (LunchRequest("E1", "C1", TOMORROW, MealMode.DINE_IN, 1, "11:00", "12:00"), NOW,
         "a dine-in lunch has no hand-over"),
    ],
)  # fmt: skip
def test_a_bad_booking_is_refused_naming_the_field_and_nothing_is_written(
    ports: tuple[LunchBooking, memory_meals.MemoryMealOrders],
    request_: LunchRequest,
    now: datetime,
    message: str,
) -> None:
    booking, orders = ports
    with pytest.raises(ValidationError, match=message):
        book_lunch(FAMILY, request_, now, RULES, booking)
    assert booking.bookings.bookings_of("K1", date(2026, 11, 1), date(2026, 11, 30)) == []
    assert orders.orders_of("K1", request_.day) == ()


def test_another_familys_elder_or_an_elder_not_at_home_is_refused(
    ports: tuple[LunchBooking, memory_meals.MemoryMealOrders],
) -> None:
    booking, _ = ports
    with pytest.raises(ForbiddenError):
        book_lunch(FAMILY, delivery("E2"), NOW, RULES, booking)
    away = replace(booking.elders.get_elder("C1", "E1"), status=ElderStatus.HOSPITALISED)
    booking.elders.save_elders([away])
    with pytest.raises(ValidationError, match="the elder is hospitalised"):
        book_lunch(FAMILY, delivery(), NOW, RULES, booking)


def test_officials_read_each_canteens_month_of_meals_and_subsidy(
    ports: tuple[LunchBooking, memory_meals.MemoryMealOrders],
) -> None:
    booking, _ = ports
    for n in range(3):
        day = TOMORROW + timedelta(days=n)
        book_lunch(FAMILY, delivery(day=day, meals=2), NOW, RULES, booking)
        book_lunch(CITY_ADMIN, LunchRequest("E2", "C1", day, MealMode.DINE_IN), NOW, RULES, booking)
    official = Caller("street-sub", Role.STREET_OFFICIAL, "S1")
    month = meal_subsidies(official, "street:S1", "2026-11", booking)
    assert (month["meals_delivered"], month["meals_dine_in"], month["subsidy_yuan"]) == (6, 3, 39)
    assert [(c["canteen_id"], c["elders"], c["bookings"]) for c in month["by_canteen"]] == [
        ("K1", 2, 6)
    ]
    assert meal_subsidies(official, "street:S1", "2026-12", booking)["subsidy_yuan"] == 0
    with pytest.raises(ForbiddenError):
        meal_subsidies(Caller("x", Role.STREET_OFFICIAL, "S9"), "street:S1", "2026-11", booking)
