"""Meal delivery end to end on the local stack: the canteens table -> the meal planner
schedule -> one SQS job per canteen -> the meal solver handler with the day's orders from the
meal orders table -> stored routes; officials fetch a canteen's routes over HTTP. A
re-delivered job replaces the day's plan; bad input and other scopes are refused. The planner
plans what the tables hold: a canteen added is planned, no canteen sends no job, a canteen
with no orders gets an empty plan."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from careroute_synthetic.meals import (
    LUNCH,
    MEAL_SEED,
    VEHICLE_CAPACITY,
    daily_orders,
    generate_canteens,
)

from careroute.adapters.dynamodb import canteens, meal_orders
from careroute.domain.vocabulary import Registry, parse_clock
from careroute.planning.meals import MealOrder, MealRules
from careroute_local.main_job import lunch_orders_before_meal_planning
from careroute_local.pump import EventPump
from careroute_local.synthetic_tables import load_lunch_orders
from tests.conftest import PLAN_DATE, bearer, nightly_tick_time

PATH = f"/meals/canteens/K001/routes/{PLAN_DATE.isoformat()}"


def plan_meals(pump: EventPump) -> int:
    fan_out = pump.fire_schedule(
        "MealPlannerFunction",
        nightly_tick_time(PLAN_DATE) - timedelta(minutes=30),
        overrides={"plan_date": PLAN_DATE.isoformat()},
    )
    stats = pump.drain_queue("MealJobsQueue")
    assert stats.failed == 0 and stats.succeeded == fan_out["jobs"], stats.errors
    return int(fan_out["jobs"])


@pytest.fixture
def planned(loaded_stack: EventPump) -> EventPump:
    """The small city's canteens planned for PLAN_DATE with its synthetic lunch orders."""
    load_lunch_orders(PLAN_DATE, canteens.all_canteens())
    plan_meals(loaded_stack)
    return loaded_stack


def routes(pump: EventPump, canteen_id: str = "K001", **who: Any) -> dict[str, Any]:
    headers = bearer(pump, who.get("role", "district_official"), who.get("scope", "D01"))
    path = f"/meals/canteens/{canteen_id}/routes/{PLAN_DATE.isoformat()}"
    response = pump.invoke_http("GET", path, headers=headers)
    assert response.status == 200, response.body
    return response.json()


def test_every_order_is_delivered_hot_in_its_window_or_reported(
    planned: EventPump, small_city: Registry
) -> None:
    sites = generate_canteens(small_city.communities, MEAL_SEED)
    assert canteens.all_canteens() == list(sites)  # what the stack loaded with the city
    rules = MealRules()
    for canteen in sites:
        doc = routes(planned, canteen.canteen_id)
        orders = daily_orders(canteen, small_city.elders, PLAN_DATE, MEAL_SEED)
        planned_ids = [s["order_id"] for r in doc["routes"] for s in r["stops"]]
        reported = [u["order_id"] for u in doc["unassigned"]]
        assert sorted(planned_ids + reported) == sorted(o.order_id for o in orders)
        assert doc["orders_planned"] == len(planned_ids) and len(planned_ids) > 0
        for route in doc["routes"]:
            assert route["meals"] <= VEHICLE_CAPACITY
            for stop in route["stops"]:
                assert stop["ride_minutes"] <= rules.ride_limit_seconds / 60
                assert LUNCH.start <= parse_clock(stop["handover"]) < LUNCH.end
        assert "name" not in str(doc) and "address" not in str(doc)


def test_a_redelivered_plan_replaces_the_day_and_duplicates_nothing(planned: EventPump) -> None:
    first = routes(planned)
    plan_meals(planned)
    again = routes(planned)
    count = lambda doc: sorted(s["order_id"] for r in doc["routes"] for s in r["stops"])  # noqa: E731
    assert count(again) == count(first)
    assert len(set(count(again))) == len(count(again))


def test_officials_outside_the_canteens_scope_are_refused(planned: EventPump) -> None:
    street = routes(planned)["street_id"]
    assert routes(planned, role="street_official", scope=street)["canteen_id"] == "K001"
    assert routes(planned, role="city_admin", scope=None)["canteen_id"] == "K001"
    for role, scope in (("district_official", "D02"), ("street_official", "S999"),
                        ("steward", "W0001"), ("inspector", "D01")):  # fmt: skip
        response = planned.invoke_http("GET", PATH, headers=bearer(planned, role, scope))
        assert response.status == 403, (role, response.body)
        assert response.json()["error"]["code"]


def test_bad_paths_are_refused_naming_what_is_wrong(loaded_stack: EventPump) -> None:
    admin = bearer(loaded_stack, "city_admin")
    for path, status, names in (
        ("/meals/canteens/K001/routes/2026-13-40", 422, "day"),
        ("/meals/canteens/K%20001/routes/2026-12-01", 422, "canteen_id"),
        ("/meals/canteens/K999/routes/2026-12-01", 404, "K999"),
    ):
        response = loaded_stack.invoke_http("GET", path, headers=admin)
        assert response.status == status, (path, response.body)
        assert names in response.json()["error"]["message"]


def test_a_malformed_meal_job_fails_alone_and_plans_nothing(loaded_stack: EventPump) -> None:
    sqs = loaded_stack.stack.client("sqs")
    url = loaded_stack.stack.queue_url("MealJobsQueue")
    sqs.send_message(QueueUrl=url, MessageBody='{"canteen_id": "K001"}')
    stats = loaded_stack.drain_queue("MealJobsQueue", retry_failed_now=True)
    assert stats.succeeded == 0 and stats.failed >= 1
    response = loaded_stack.invoke_http("GET", PATH, headers=bearer(loaded_stack, "city_admin"))
    assert response.status == 404


def test_a_canteen_added_to_the_table_is_planned_with_its_orders(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """Given a new canteen stored beside the city's and three lunch orders for it, when the
    planner runs, then it gets a job and its plan holds exactly those orders."""
    stored = canteens.all_canteens()
    added = replace(stored[0], canteen_id="K900", vehicles=1)
    canteens.replace_canteens([*stored, added])
    elders = [e for e in small_city.elders if e.community_id in added.community_ids][:3]
    orders = [
        MealOrder(f"{PLAN_DATE}:{e.elder_id}", e.elder_id, "K900", e.location, 1, LUNCH)
        for e in elders
    ]
    assert len(orders) == 3 and meal_orders.save_orders(PLAN_DATE, orders) == 3
    assert plan_meals(loaded_stack) == len(stored) + 1
    doc = routes(loaded_stack, "K900")
    delivered = [s["order_id"] for r in doc["routes"] for s in r["stops"]]
    reported = [u["order_id"] for u in doc["unassigned"]]
    assert sorted(delivered + reported) == sorted(o.order_id for o in orders)
    assert doc["orders_planned"] == len(delivered) > 0


def test_no_canteen_stored_sends_no_job_and_says_so(
    loaded_stack: EventPump, handler_logs: io.StringIO
) -> None:
    canteens.replace_canteens([])
    assert canteens.all_canteens() == []
    assert plan_meals(loaded_stack) == 0
    assert "no canteens to plan" in handler_logs.getvalue()


def test_a_canteen_without_orders_gets_an_empty_plan_not_an_error(
    loaded_stack: EventPump, handler_logs: io.StringIO
) -> None:
    """No orders loaded for the day: every canteen's job succeeds and stores an empty plan
    (officials see the day was planned), and the log says why it is empty."""
    assert plan_meals(loaded_stack) == len(canteens.all_canteens()) > 0
    doc = routes(loaded_stack, "K001")
    assert (doc["orders_planned"], doc["routes"], doc["unassigned"]) == (0, [], [])
    assert "no lunch orders for the canteen" in handler_logs.getvalue()


def test_the_serving_stack_places_the_lunch_orders_before_the_evening_meal_plan(
    loaded_stack: EventPump,
) -> None:
    """`careroute run` keeps serving across evenings: before the meal planner's schedule
    fires, the synthetic city's orders for the next day are in the table, as real ones would
    be; other schedules place nothing."""
    evening = nightly_tick_time(PLAN_DATE) - timedelta(minutes=30)
    site = canteens.all_canteens()[0]
    lunch_orders_before_meal_planning("PlannerFunction", evening)
    assert meal_orders.orders_of(site.canteen_id, PLAN_DATE) == ()
    lunch_orders_before_meal_planning("MealPlannerFunction", evening)
    assert meal_orders.orders_of(site.canteen_id, PLAN_DATE)
    assert plan_meals(loaded_stack) == len(canteens.all_canteens())
    assert routes(loaded_stack, site.canteen_id)["orders_planned"] > 0
