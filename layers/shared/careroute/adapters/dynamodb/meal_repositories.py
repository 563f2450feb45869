"""The meal ports on DynamoDB (and SQS): the canteens and meal orders tables (whose modules
serve their ports themselves), a class over the meal routes table, the meal-job queue, and
the ports of each meal use case built from them, once per container. The tables must be
bound first (`bind_tables`, at cold start)."""

from __future__ import annotations

from datetime import date, datetime

from careroute.adapters.dynamodb import canteens, meal_orders, meal_routes
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import Adapters, wired
from careroute.messages.meals import MealPlanJob
from careroute.service_layer.meal_planning import CanteenDayPlanning
from careroute.service_layer.meals import MealFanOut, MealRouteReading
from careroute.service_layer.ports import CanteenDayRoutes


class DynamoMealRoutes:
    def save_canteen_day(self, routes: CanteenDayRoutes, planned_at: datetime) -> None:
        meal_routes.save_plan(
            routes.canteen_id,
            routes.day,
            routes.district_id,
            routes.street_id,
            routes.document,
            planned_at,
        )

    def find_canteen_day(self, canteen_id: str, day: date) -> CanteenDayRoutes | None:
        found = meal_routes.load_plan(canteen_id, day)
        if found is None:
            return None
        district_id, street_id, document = found
        return CanteenDayRoutes(canteen_id, day, district_id, street_id, document)


MEAL_PORTS: Adapters = {
    **PORTS,
    # the canteens' and meal orders' table modules: their functions are the ports' methods
    "canteens": lambda: canteens,
    "orders": lambda: meal_orders,
    "routes": DynamoMealRoutes,
}
"""The registry's adapters and the meals' (whose orders and routes are the canteens'), by
port name."""


def meal_fan_out(meal_jobs_queue_url: str) -> MealFanOut:
    """The ports of the nightly meal planner: the canteens table and the meal-job queue."""
    return wired(MealFanOut, MEAL_PORTS, meal_jobs=SqsJobs[MealPlanJob](meal_jobs_queue_url))


def canteen_day_planning() -> CanteenDayPlanning:
    """The ports of the meal solver, on DynamoDB."""
    return wired(CanteenDayPlanning, MEAL_PORTS)


def meal_route_reading() -> MealRouteReading:
    """The ports of officials reading a canteen's routes, on DynamoDB."""
    return wired(MealRouteReading, MEAL_PORTS)
