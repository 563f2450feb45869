"""Meal delivery API: officials read a canteen's lunch delivery routes for a date (vehicles,
trips, hand-over times and ride minutes; elder ids only)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.meal_repositories import meal_route_reading
from careroute.entrypoints import handler_setup
from careroute.entrypoints.http_api import PathDay, PathId, caller_of, http_entry, new_resolver
from careroute.messages.api import error_responses
from careroute.observability import tracer
from careroute.service_layer.meals import canteen_routes

handler_setup.bound_settings()
ports = meal_route_reading()
app = new_resolver()
caller = caller_of(app)


@app.get(
    "/meals/canteens/<canteen_id>/routes/<day>",
    summary="A canteen's lunch delivery routes for a date (officials of its street or district)",
    responses=error_responses(401, 403, 404, 422),
    tags=["meals"],
)
@tracer.capture_method
def get_routes(canteen_id: PathId, day: PathDay) -> dict[str, Any]:
    return canteen_routes(caller(), canteen_id, day, ports)


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
