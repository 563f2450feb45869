"""The tables the meal planner and the service circle read, on the local stack: canteens and
facilities come back exactly as stored and a new list replaces the old one whole; a
canteen's orders come back for one day only, by elder id; a malformed order writes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from careroute_synthetic.facilities import city_facilities
from careroute_synthetic.meals import LUNCH, MEAL_SEED, generate_canteens

from careroute.adapters.dynamodb import canteens, meal_orders, service_facilities
from careroute.domain.vocabulary import GeoPoint, Registry
from careroute.planning.meals import MealOrder
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE


def test_the_city_loaded_comes_with_its_canteens_and_facilities(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    assert canteens.all_canteens() == list(generate_canteens(small_city.communities, MEAL_SEED))
    assert service_facilities.all_facilities() == sorted(
        city_facilities(small_city.communities), key=lambda f: f.facility_id
    )


def test_a_new_list_of_canteens_replaces_the_old_one_whole(loaded_stack: EventPump) -> None:
    first = canteens.all_canteens()[0]
    moved = replace(first, location=GeoPoint(41.8, 123.41), vehicles=5, speed_kmh=12.5)
    other = replace(first, canteen_id="K777", community_ids=("C0001", "C0002"))
    assert canteens.replace_canteens([moved, other]) == 2
    assert canteens.all_canteens() == [moved, other]


def test_a_new_list_of_facilities_replaces_the_old_one_whole(loaded_stack: EventPump) -> None:
    kept = service_facilities.all_facilities()[-1]
    assert service_facilities.replace_facilities([kept]) == 1
    assert service_facilities.all_facilities() == [kept]


def order(day_offset: int, elder_id: str, canteen_id: str = "K001") -> MealOrder:
    day = PLAN_DATE + timedelta(days=day_offset)
    return MealOrder(f"{day}:{elder_id}", elder_id, canteen_id, GeoPoint(41.79, 123.4), 2, LUNCH)


def test_a_canteens_orders_come_back_for_one_day_by_elder_id(loaded_stack: EventPump) -> None:
    today = [order(0, "E000003"), order(0, "E000001")]
    assert meal_orders.save_orders(PLAN_DATE, [*today, order(0, "E000002", "K002")]) == 3
    meal_orders.save_orders(PLAN_DATE + timedelta(days=1), [order(1, "E000001")])
    assert meal_orders.orders_of("K001", PLAN_DATE) == (today[1], today[0])
    assert meal_orders.orders_of("K001", PLAN_DATE - timedelta(days=1)) == ()


def test_an_order_whose_id_is_not_its_day_and_elder_writes_nothing(
    loaded_stack: EventPump,
) -> None:
    good, wrong_day = order(0, "E000001"), order(1, "E000002")
    with pytest.raises(ValueError, match="E000002"):
        meal_orders.save_orders(PLAN_DATE, [good, wrong_day])
    assert meal_orders.orders_of("K001", PLAN_DATE) == ()
