"""Meal delivery end to end on the local stack: the meal planner schedule -> one SQS job per
canteen -> the meal solver handler -> stored routes; officials fetch a canteen's routes over
HTTP. A re-delivered job replaces the day's plan; bad input and other scopes are refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from careroute_synthetic.meals import LUNCH, VEHICLE_CAPACITY, daily_orders, generate_canteens

from careroute.domain.vocabulary import Registry, parse_clock
from careroute.planning.meals import MealRules
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, bearer, nightly_tick_time

SEED = 7  # services.meals.MEAL_SEED
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
    canteens = generate_canteens(small_city.communities, SEED)
    rules = MealRules()
    for canteen in canteens:
        doc = routes(planned, canteen.canteen_id)
        orders = daily_orders(canteen, small_city.elders, PLAN_DATE, SEED)
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
