"""`careroute run`'s meal and assessment steps on the local stack: tomorrow's lunch routes
for the first district's canteens (or none with --meals off), the synthetic assessors and
requests loaded once and tomorrow's assessment routes planned, one line each; a second run
on the same stack loads nothing again and plans the same."""

from __future__ import annotations

from careroute_synthetic.assessments import generate_assessments
from careroute_synthetic.meals import MEAL_SEED, generate_canteens
from rich.console import Console

from careroute.adapters.dynamodb import assessments, circle_counts, meal_routes
from careroute.domain.coverage import Scope
from careroute.domain.vocabulary import Registry
from careroute_local.care_flows_job import print_care_flows
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, TODAY

SEED = 7


def test_the_main_job_plans_meals_and_assessments_and_says_so_in_one_line_each(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    console = Console(record=True, width=200)
    meals, planned = print_care_flows(
        loaded_stack, PLAN_DATE, SEED, TODAY, console, city=small_city
    )
    lines = console.export_text().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        f"Service circle {TODAY}",
        f"Overdue view {TODAY}",
        f"Meals {PLAN_DATE} in D01",  # the small city has one district
        f"Assessments {PLAN_DATE}",
    ]
    # Meals: every canteen of the district has tomorrow's plan, every order on a route or
    # reported, as the meal API would serve it.
    canteens = generate_canteens(small_city.communities, MEAL_SEED)
    assert meals is not None and meals.canteens == len(canteens) and meals.failed_jobs == 0
    stored = [meal_routes.load_plan(c.canteen_id, PLAN_DATE) for c in canteens]
    assert all(s is not None for s in stored)
    assert meals.planned == sum(s[2]["orders_planned"] for s in stored if s) > 0
    assert meals.orders == meals.planned + meals.unassigned
    # Assessments: the generated world loaded, routes stored for the assessors at work.
    world = generate_assessments(small_city.communities, small_city.elders, SEED, TODAY)
    assert (planned.assessors, planned.requests) == (len(world[0]), len(world[1]))
    assert planned.districts == 1 and planned.planned > 0
    assert planned.candidates >= planned.planned
    routed = [assessments.get_route(a.assessor_id, PLAN_DATE) for a in world[0]]
    assert sum(len(r["stops"]) for r in routed if r) == planned.planned
    assert f"{planned.planned} planned" in lines[3]
    # The circle count is stored: the coverage report reads it.
    assert circle_counts.read_counts(Scope.parse("city")) is not None


def test_a_second_run_loads_nothing_again_and_meals_can_be_left_out(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    first = print_care_flows(loaded_stack, PLAN_DATE, SEED, TODAY, Console(), meals="off")
    console = Console(record=True, width=200)
    meals, again = print_care_flows(
        loaded_stack, PLAN_DATE, SEED, TODAY, console, meals="off", city=small_city
    )
    assert first[0] is None and meals is None
    assert (again.assessors, again.requests) == (0, 0)  # kept: results would not reopen
    assert again.planned == first[1].planned
    text = console.export_text()
    assert "Meals" not in text and "loaded" not in text
    assert generate_canteens(small_city.communities, MEAL_SEED)
    assert meal_routes.load_plan("K001", PLAN_DATE) is None
