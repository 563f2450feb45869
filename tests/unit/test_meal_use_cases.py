"""The meal use cases on the memory adapters: the nightly canteen fan-out, one canteen day
planned by the solver, and officials reading a canteen's routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from careroute_synthetic.meals import MEAL_SEED, daily_orders, generate_canteens

from careroute.adapters import memory, memory_meals
from careroute.domain.access import Caller, Role
from careroute.domain.errors import ForbiddenError, NotFoundError
from careroute.domain.vocabulary import Registry
from careroute.messages.meals import MealPlanJob
from careroute.messages.visits import NightlyTick
from careroute.planning.meals import Canteen
from careroute.service_layer.meal_planning import CanteenDayPlanning, plan_canteen
from careroute.service_layer.meals import MealFanOut, MealRouteReading, canteen_routes, fan_out
from tests.unit.conftest import STREET_AS_OF

PLAN_DATE = STREET_AS_OF + timedelta(days=1)
TICK = NightlyTick(scheduled_time=datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
NOW = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


def canteens_of(city: Registry) -> tuple[Canteen, ...]:
    return generate_canteens(city.communities, seed=MEAL_SEED, total=2)


def a_day(city: Registry) -> tuple[Canteen, CanteenDayPlanning, int]:
    """The first canteen with its lunch orders for the plan date stored; their count."""
    canteen = canteens_of(city)[0]
    elders = [e for e in city.elders if e.community_id in canteen.community_ids]
    ports = CanteenDayPlanning(memory_meals.MemoryMealOrders(), memory_meals.MemoryMealRoutes())
    orders = ports.orders.save_orders(
        PLAN_DATE, daily_orders(canteen, elders, PLAN_DATE, MEAL_SEED)
    )
    return canteen, ports, orders


def test_the_fan_out_sends_one_job_per_canteen_of_the_named_districts(one_street: Registry) -> None:
    ports = MealFanOut(memory_meals.MemoryCanteens(), memory_meals.MemoryMealJobs())
    ports.canteens.replace_canteens(canteens_of(one_street))
    queue = ports.meal_jobs
    assert isinstance(queue, memory_meals.MemoryMealJobs)

    sent = fan_out(TICK, "run-1", ports)
    jobs = queue.take_all()
    assert (sent.plan_date, sent.jobs) == (PLAN_DATE, len(jobs))
    assert [j.canteen() for j in jobs] == ports.canteens.all_canteens()
    assert {j.run_id for j in jobs} == {"run-1"}

    elsewhere = TICK.model_copy(update={"district_ids": ["D99"]})
    assert fan_out(elsewhere, "run-2", ports).jobs == 0 and queue.take_all() == []


def test_no_canteen_stored_sends_no_job() -> None:
    ports = MealFanOut(memory_meals.MemoryCanteens(), memory_meals.MemoryMealJobs())
    assert fan_out(TICK, "run-1", ports).jobs == 0


def test_a_canteen_day_is_routed_stored_and_replaced_by_a_rerun(one_street: Registry) -> None:
    canteen, ports, orders = a_day(one_street)
    job = MealPlanJob.of(canteen, PLAN_DATE, "run-1")

    summary = plan_canteen(job, NOW, ports)
    stored = ports.routes.find_canteen_day(canteen.canteen_id, PLAN_DATE)
    assert stored is not None and orders > 0
    assert summary["orders"] == orders == summary["planned"] + summary["unassigned"]
    assert (stored.district_id, stored.street_id) == (canteen.district_id, canteen.street_id)
    assert stored.document["orders_planned"] == summary["planned"]
    planned = {s["order_id"] for r in stored.document["routes"] for s in r["stops"]}
    assert len(planned) == summary["planned"]

    again = plan_canteen(job, NOW + timedelta(hours=1), ports)
    replaced = ports.routes.find_canteen_day(canteen.canteen_id, PLAN_DATE)
    assert replaced is not None and again["orders"] == orders
    assert replaced.document["orders_planned"] == again["planned"]
    assert ports.routes.find_canteen_day(canteen.canteen_id, PLAN_DATE + timedelta(days=1)) is None


def test_a_day_without_orders_stores_an_empty_plan(one_street: Registry) -> None:
    canteen = canteens_of(one_street)[0]
    ports = CanteenDayPlanning(memory_meals.MemoryMealOrders(), memory_meals.MemoryMealRoutes())

    summary = plan_canteen(MealPlanJob.of(canteen, PLAN_DATE, "run-1"), NOW, ports)
    stored = ports.routes.find_canteen_day(canteen.canteen_id, PLAN_DATE)
    assert (summary["orders"], summary["planned"]) == (0, 0)
    assert stored is not None and stored.document["routes"] == []


def test_officials_above_the_canteen_read_its_routes_and_others_may_not(
    one_street: Registry,
) -> None:
    canteen, planning, _ = a_day(one_street)
    plan_canteen(MealPlanJob.of(canteen, PLAN_DATE, "run-1"), NOW, planning)
    communities = memory.MemoryCommunities()
    communities.save_communities(one_street.communities)
    reading = MealRouteReading(planning.routes, memory.MemoryScopes(communities))

    for caller in (
        Caller("s", Role.STREET_OFFICIAL, canteen.street_id),
        Caller("d", Role.DISTRICT_OFFICIAL, canteen.district_id),
        Caller("a", Role.CITY_ADMIN, ""),
    ):
        routes = canteen_routes(caller, canteen.canteen_id, PLAN_DATE, reading)
        assert (routes["canteen_id"], routes["street_id"]) == (
            canteen.canteen_id,
            canteen.street_id,
        )
    with pytest.raises(ForbiddenError):
        canteen_routes(
            Caller("o", Role.STREET_OFFICIAL, "S999"), canteen.canteen_id, PLAN_DATE, reading
        )
    with pytest.raises(ForbiddenError):
        canteen_routes(Caller("w", Role.STEWARD, "W1"), canteen.canteen_id, PLAN_DATE, reading)
    with pytest.raises(NotFoundError):
        canteen_routes(Caller("a", Role.CITY_ADMIN, ""), "K999", PLAN_DATE, reading)
