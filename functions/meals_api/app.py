"""Meal delivery API: officials read a canteen's lunch delivery routes for a date (vehicles,
trips, hand-over times and ride minutes; elder ids only)."""

from typing import Any

from careroute.adapters.dynamodb.meal_repositories import meal_route_reading
from careroute.entrypoints import handler_setup
from careroute.entrypoints.http_api import PathDay, PathId, area_api, http_handler
from careroute.service_layer.meals import canteen_routes

handler_setup.bound_settings()
ports = meal_route_reading()
app, caller, route = area_api("meals")


@route(
    "GET",
    "/meals/canteens/<canteen_id>/routes/<day>",
    "A canteen's lunch delivery routes for a date (officials of its street or district)",
)
def get_routes(canteen_id: PathId, day: PathDay) -> dict[str, Any]:
    return canteen_routes(caller(), canteen_id, day, ports)


lambda_handler = http_handler(app)
