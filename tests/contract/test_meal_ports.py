"""The meal ports, memory against DynamoDB/SQS: canteens replaced whole, a canteen's lunch
orders of a day, each canteen day's routes, and the meal-job queue. Then the fan-out and an
official's read, run on both, must answer the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from careroute.adapters import memory_meals
from careroute.adapters.dynamodb import canteens as canteen_table
from careroute.adapters.dynamodb import meal_orders as meal_order_table
from careroute.adapters.dynamodb import meal_repositories as dynamodb
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.domain.access import Caller, Role
from careroute.domain.errors import ForbiddenError
from careroute.domain.vocabulary import Community, GeoPoint, TimeWindow
from careroute.messages.meals import MealPlanJob
from careroute.messages.visits import NightlyTick
from careroute.planning.meals import Canteen, MealOrder
from careroute.service_layer.meals import MealFanOut, MealRouteReading, canteen_routes, fan_out
from careroute.service_layer.ports import (
    CanteenDayRoutes,
    CanteenRepository,
    MealJobQueue,
    MealOrderRepository,
    MealRouteRepository,
)
from tests.conftest import TODAY
from tests.contract.conftest import Backend, sqs_reader
from tests.contract.use_case_ports import AreaBackend

DAY = TODAY + timedelta(days=1)
NOW = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
LUNCH = TimeWindow.parse("11:00", "12:30")


@dataclass(frozen=True)
class MealBackend(AreaBackend):
    canteens: CanteenRepository
    orders: MealOrderRepository
    routes: MealRouteRepository
    meal_jobs: MealJobQueue
    queued: Callable[[], list[MealPlanJob]]
    """The meal jobs waiting in the queue, taken off it (oldest first)."""


@pytest.fixture
def meals(backend: Backend, request: pytest.FixtureRequest) -> MealBackend:
    """The meal adapters of the same backend (the DynamoDB one is reset with it)."""
    if backend.name == "memory":
        jobs = memory_meals.MemoryMealJobs()
        return MealBackend(
            backend,
            memory_meals.MemoryCanteens(),
            memory_meals.MemoryMealOrders(),
            memory_meals.MemoryMealRoutes(),
            jobs,
            jobs.take_all,
        )
    pump = request.getfixturevalue("session_pump")
    return MealBackend(
        backend,
        canteen_table,
        meal_order_table,
        dynamodb.DynamoMealRoutes(),
        SqsJobs[MealPlanJob](pump.stack.queue_url("MealJobsQueue")),
        sqs_reader(pump, "MealJobsQueue", MealPlanJob),
    )


def a_canteen(n: int, district_id: str = "D01", street_id: str = "S001") -> Canteen:
    return Canteen(
        f"K{n:03d}",
        district_id,
        street_id,
        GeoPoint(41.79, 123.40 + n / 1000),
        (f"C{n:04d}",),
        2,
        6,
        15.0,
    )


def an_order(elder: str, canteen_id: str = "K001", day: date = DAY, meals: int = 1) -> MealOrder:
    return MealOrder(
        f"{day.isoformat()}:{elder}", elder, canteen_id, GeoPoint(41.8, 123.41), meals, LUNCH
    )


def test_canteens_are_listed_by_id_and_replacing_them_drops_the_ones_left_out(
    meals: MealBackend,
) -> None:
    assert meals.canteens.all_canteens() == []
    assert meals.canteens.replace_canteens([a_canteen(3), a_canteen(1), a_canteen(2)]) == 3
    assert [c.canteen_id for c in meals.canteens.all_canteens()] == ["K001", "K002", "K003"]
    assert meals.canteens.all_canteens()[0] == a_canteen(1)

    moved = replace(a_canteen(2), vehicles=4)
    assert meals.canteens.replace_canteens([moved, a_canteen(4)]) == 2
    assert meals.canteens.all_canteens() == [moved, a_canteen(4)]


def test_a_canteens_orders_of_a_day_read_back_by_elder_and_replace_by_id(
    meals: MealBackend,
) -> None:
    saved = [an_order("E3"), an_order("E1", meals=2), an_order("E2", canteen_id="K002")]
    other_day = an_order("E1", day=DAY + timedelta(days=1))
    assert meals.orders.save_orders(DAY, saved) == 3
    meals.orders.save_orders(DAY + timedelta(days=1), [other_day])

    assert meals.orders.orders_of("K001", DAY) == (saved[1], saved[0])
    assert meals.orders.orders_of("K002", DAY) == (saved[2],)
    assert meals.orders.orders_of("K001", DAY + timedelta(days=1)) == (other_day,)
    assert meals.orders.orders_of("K009", DAY) == ()

    meals.orders.save_orders(DAY, [an_order("E1", meals=1)])
    assert meals.orders.orders_of("K001", DAY)[0].meals == 1


def test_an_order_whose_id_is_not_its_day_and_elder_writes_nothing(meals: MealBackend) -> None:
    wrong = replace(an_order("E2"), order_id=f"{DAY.isoformat()}:E9")
    with pytest.raises(ValueError, match="E9"):
        meals.orders.save_orders(DAY, [an_order("E1"), wrong])
    assert meals.orders.orders_of("K001", DAY) == ()


def test_a_canteen_days_routes_read_back_as_saved_and_a_rerun_replaces_them(
    meals: MealBackend,
) -> None:
    document = {"canteen_id": "K001", "date": DAY.isoformat(), "routes": [], "名": "助餐"}
    first = CanteenDayRoutes("K001", DAY, "D01", "S001", document)
    meals.routes.save_canteen_day(first, NOW)
    document["routes"] = ["changed after saving"]

    found = meals.routes.find_canteen_day("K001", DAY)
    assert found == replace(first, document={**document, "routes": []})
    assert meals.routes.find_canteen_day("K001", DAY + timedelta(days=1)) is None
    assert meals.routes.find_canteen_day("K002", DAY) is None

    second = replace(first, document={"canteen_id": "K001", "routes": [{"trip": 1}]})
    meals.routes.save_canteen_day(second, NOW + timedelta(hours=1))
    assert meals.routes.find_canteen_day("K001", DAY) == second


def test_meal_jobs_sent_arrive_on_the_queue_as_sent(meals: MealBackend) -> None:
    jobs = [MealPlanJob.of(a_canteen(n), DAY, "run-1") for n in range(1, 13)]
    assert meals.meal_jobs.send(jobs) == 12
    assert sorted(meals.queued(), key=lambda j: j.canteen_id) == jobs
    assert meals.queued() == []


def test_the_fan_out_and_an_officials_read_answer_the_same_on_both(meals: MealBackend) -> None:
    """What each backend answers is checked against the same expectations (the other
    backend's run is the same test with the other parameter)."""
    meals.canteens.replace_canteens([a_canteen(1), a_canteen(2, "D02", "S002")])
    tick = NightlyTick(scheduled_time=NOW, plan_date=DAY, district_ids=["D02"])
    sent = fan_out(tick, "run-1", meals.ports(MealFanOut))
    assert (sent.jobs, [j.canteen_id for j in meals.queued()]) == (1, ["K002"])

    home = Community("C0002", "社区", "S002", "街道", "D02", "区", GeoPoint(41.8, 123.4), 400)
    meals.base.communities.save_communities([home])
    document = {"canteen_id": "K002", "routes": []}
    meals.routes.save_canteen_day(CanteenDayRoutes("K002", DAY, "D02", "S002", document), NOW)
    reading = meals.ports(MealRouteReading)
    district = Caller("d", Role.DISTRICT_OFFICIAL, "D02")
    assert canteen_routes(district, "K002", DAY, reading) == {
        **document,
        "district_id": "D02",
        "street_id": "S002",
    }
    with pytest.raises(ForbiddenError):
        canteen_routes(Caller("o", Role.DISTRICT_OFFICIAL, "D01"), "K002", DAY, reading)
