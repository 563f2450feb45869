"""Meal delivery: synthetic canteens and lunch orders, one canteen's delivery routes, and the
plan job that carries a canteen over SQS."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from careroute_synthetic.city import generate_city
from careroute_synthetic.meals import (
    LUNCH,
    Canteen,
    MealOrder,
    canteen_counts,
    daily_orders,
    generate_canteens,
)
from pydantic import ValidationError

from careroute.domain.vocabulary import Category, Elder, ElderStatus, GeoPoint, TimeWindow
from careroute.messages.meals import MealPlanJob
from careroute.planning.meals import MealRules, meal_problem, plan_meals
from careroute.routing import SolveLimits, solve_fleet, validate_fleet

DAY = date(2026, 11, 30)
LIMITS = SolveLimits(time_limit_ms=200)
"""Days of one to eight orders: the router settles well inside 200 ms (it stops at the time
limit, not at a solution count, so a longer limit only makes the tests slower)."""
CANTEEN_AT = GeoPoint(41.79, 123.40)


@pytest.fixture(scope="module")
def city():  # type: ignore[no-untyped-def]
    return generate_city(3, as_of=DAY, districts=["Heping", "Faku"], scale=0.1)


def canteen(vehicles: int = 2, capacity: int = 6) -> Canteen:
    return Canteen("K001", "D01", "S001", CANTEEN_AT, ("C0001",), vehicles, capacity, 15.0)


def order(n: int, east_m: float, meals: int = 1, window: TimeWindow = LUNCH) -> MealOrder:
    """An order `east_m` metres east of the canteen."""
    where = GeoPoint(CANTEEN_AT.lat, CANTEEN_AT.lng + east_m / 83_000)
    return MealOrder(f"{DAY}:E{n}", f"E{n}", "K001", where, meals, window)


def test_canteens_are_shared_by_communities_with_at_least_one_per_district() -> None:
    counts = canteen_counts({"D01": 120, "D02": 93, "D13": 1}, 20)
    assert sum(counts.values()) == 20 and counts["D13"] == 1
    assert counts["D01"] > counts["D02"]


def test_every_community_is_served_by_exactly_one_canteen_of_its_district(city) -> None:  # type: ignore[no-untyped-def]
    canteens = generate_canteens(city.communities, seed=5, total=6)
    served = [cid for c in canteens for cid in c.community_ids]
    assert sorted(served) == sorted(c.community_id for c in city.communities)
    district_of = {c.community_id: c.district_id for c in city.communities}
    assert all(district_of[cid] == c.district_id for c in canteens for cid in c.community_ids)
    assert {c.district_id for c in canteens} == {"D01", "D12"}
    assert generate_canteens(city.communities, seed=5, total=6) == canteens


def test_orders_are_the_same_whichever_elders_are_loaded(city) -> None:  # type: ignore[no-untyped-def]
    site = generate_canteens(city.communities, seed=5, total=6)[0]
    elders = [e for e in city.elders if e.community_id in site.community_ids]
    orders = daily_orders(site, elders, DAY, seed=5)
    assert orders, "a canteen serving a community gets some lunch orders"
    half = daily_orders(site, elders[::2], DAY, seed=5)
    kept = {e.elder_id for e in elders[::2]}
    assert half == tuple(o for o in orders if o.elder_id in kept)
    assert daily_orders(site, elders, date(2026, 12, 1), seed=5) != orders


def test_only_active_elders_order() -> None:
    base = Elder("E1", "C0001", "S001", "D01", CANTEEN_AT, frozenset({Category.DISABLED}),
                 date(1940, 1, 1), LUNCH, "", "", ElderStatus.HOSPITALISED)  # fmt: skip
    many = [replace(base, elder_id=f"E{n}") for n in range(200)]
    assert daily_orders(canteen(), many, DAY, seed=1) == ()


def test_the_day_is_planned_inside_windows_capacity_and_ride_limit() -> None:
    orders = [order(n, 400 * n, meals=1 + n % 2) for n in range(1, 9)]
    plan = plan_meals(canteen(vehicles=3), orders, DAY, MealRules(), LIMITS)
    assert plan.unassigned == () and plan.orders_planned == 8
    rules = MealRules()
    for route in plan.routes:
        assert route.meals <= 6
        for drop in route.drops:
            assert drop.ride_seconds <= rules.ride_limit_seconds
            assert LUNCH.start <= drop.handover <= LUNCH.end - rules.handover_seconds


def test_a_late_window_is_served_by_the_second_wave() -> None:
    late = order(1, 500, window=TimeWindow.parse("12:15", "12:30"))
    plan = plan_meals(canteen(), [late], DAY, MealRules(), LIMITS)
    assert [(r.trip, len(r.drops)) for r in plan.routes] == [(2, 1)]


def test_an_order_too_far_for_the_temperature_limit_is_reported_not_dropped() -> None:
    far = order(2, 15_000)  # 15 km at 15 km/h x 1.3 circuity: 78 min
    plan = plan_meals(canteen(), [order(1, 300), far], DAY, MealRules(), LIMITS)
    assert plan.unassigned == ((far.order_id, "unreachable_in_window"),)
    assert plan.orders_planned == 1


def test_without_the_ride_limit_the_far_order_would_ride_too_long() -> None:
    far = order(2, 9_000)  # 47 min away: inside lunch, beyond 45 min
    relaxed = meal_problem(canteen(), [far], MealRules(), ride_limits=False)
    result = solve_fleet(relaxed, LIMITS)
    assert not result.unassigned
    full = meal_problem(canteen(), [far], MealRules())
    assert any("ride time" in e for e in validate_fleet(full, result))


@pytest.mark.parametrize(
    "kw",
    [{"departures": ()}, {"departures": (40_000, 39_000)}, {"return_by": 30_000},
     {"ride_limit_seconds": -1}],
)  # fmt: skip
def test_bad_meal_rules_are_rejected(kw: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MealRules(**kw)  # type: ignore[arg-type]


def test_a_plan_job_carries_its_canteen_and_refuses_unknown_fields() -> None:
    job = MealPlanJob.of(canteen(), DAY, "run-1")
    assert MealPlanJob.model_validate_json(job.model_dump_json()).canteen() == canteen()
    assert "seed" not in job.model_dump()
    for extra in ({"colour": "red"}, {"seed": "7"}, {"seed": 1.5}):
        with pytest.raises(ValidationError):
            MealPlanJob.model_validate({**job.model_dump(), **extra})


def test_a_job_queued_with_the_old_whole_number_seed_is_still_accepted() -> None:
    """Jobs sent before canteens and orders were tables carried the generators' seed; one
    still in the queue when the new version is deployed is planned, not dead-lettered."""
    job = MealPlanJob.of(canteen(), DAY, "run-1")
    assert MealPlanJob.model_validate({**job.model_dump(), "seed": 7}) == job
