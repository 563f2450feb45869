"""Lunch booked over the API on the local stack: the family books a delivery (the meal planner
and solver then route it), the steward books a dine-in lunch, a retry replays, a second
lunch the same day is a conflict, bad input is refused with nothing written, and the
district official reads the month's meals and subsidy per canteen."""

from __future__ import annotations

import json
from datetime import timedelta

from careroute.adapters.dynamodb import canteens, meal_bookings, meal_orders
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import ElderStatus, Registry
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import TODAY, bearer, nightly_tick_time
from tests.integration.api_calls import district_month, post_json

DAY = TODAY + timedelta(days=3)


def book(pump: EventPump, auth: dict[str, str], body: dict[str, object]) -> HttpResponse:
    return post_json(pump, "/meals/bookings", auth, body)


def test_lunches_are_booked_routed_counted_and_bad_ones_refused(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    canteen = canteens.all_canteens()[0]
    ordered = {o.elder_id for o in meal_orders.orders_of(canteen.canteen_id, DAY)}
    served = [
        e for e in small_city.elders
        if e.community_id in canteen.community_ids and e.status is ElderStatus.ACTIVE
        and e.elder_id not in ordered
    ]  # fmt: skip
    first, second = served[0], served[1]
    family = bearer(loaded_stack, "family", first.elder_id)
    delivery = {"elder_id": first.elder_id, "community_id": first.community_id,
                "day": DAY.isoformat(), "mode": "delivery", "meals": 2,
                "window_start": "11:00", "window_end": "12:30"}  # fmt: skip
    booked = book(loaded_stack, family, delivery)
    assert booked.status == 201, booked.body
    assert (booked.json()["canteen_id"], booked.json()["meals"]) == (canteen.canteen_id, 2)
    assert book(loaded_stack, family, delivery).headers.get("idempotent-replayed") == "true"
    dine = {**delivery, "mode": "dine_in", "window_start": None, "window_end": None}
    assert book(loaded_stack, family, dine).status == 409

    steward = next(s for s in small_city.stewards if s.community_id == second.community_id)
    by_steward = bearer(loaded_stack, "steward", steward.steward_id)
    lunch = {**dine, "elder_id": second.elder_id, "community_id": second.community_id, "meals": 1}
    assert book(loaded_stack, by_steward, lunch).status == 201

    for bad in ({**delivery, "window_start": "08:00"}, {**delivery, "meals": 3},
                {**delivery, "day": (TODAY - timedelta(days=1)).isoformat()}):  # fmt: skip
        refused = book(loaded_stack, bearer(loaded_stack, "family", second.elder_id),
                       {**bad, "elder_id": second.elder_id, "day": bad["day"]})  # fmt: skip
        assert refused.status == 422, refused.body
    assert [b.elder_id for b in meal_bookings.bookings_of(canteen.canteen_id, DAY, DAY)] == sorted(
        [first.elder_id, second.elder_id]
    )

    loaded_stack.fire_schedule(
        "MealPlannerFunction",
        nightly_tick_time(DAY) - timedelta(minutes=30),
        overrides={"plan_date": DAY.isoformat()},
    )
    assert loaded_stack.drain_queue("MealJobsQueue").failed == 0
    official = bearer(loaded_stack, "district_official", canteen.district_id)
    path = f"/meals/canteens/{canteen.canteen_id}/routes/{DAY.isoformat()}"
    plan = loaded_stack.invoke_http("GET", path, headers=official).json()
    text = json.dumps(plan)
    assert first.elder_id in text and second.elder_id not in text

    month = district_month(loaded_stack, "/meals/subsidies", canteen.district_id, f"{DAY:%Y-%m}")
    row = next(r for r in month["by_canteen"] if r["canteen_id"] == canteen.canteen_id)
    assert (row["meals_delivered"], row["meals_dine_in"], row["bookings"]) == (2, 1, 2)
    rules = load_policy().meals
    owed = 2 * rules.subsidy_per_meal(first.age_on(DAY)) + rules.subsidy_per_meal(
        second.age_on(DAY)
    )
    assert row["subsidy_yuan"] == owed
