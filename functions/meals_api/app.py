"""Meal delivery API: officials read a canteen's lunch delivery routes for a date (vehicles,
trips, hand-over times and ride minutes; elder ids only)."""

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute import storage
from careroute.api_models import error_responses
from careroute.auth import Caller
from careroute.config import Settings
from careroute.http_errors import register_error_handlers
from careroute.messages import ID_PATTERN
from careroute.observability import logger, metrics, tracer
from careroute.services.meals import canteen_routes

settings = Settings.from_env()
storage.bind_tables(settings)
app = APIGatewayHttpResolver(enable_validation=True)
register_error_handlers(app)


def caller() -> Caller:
    return Caller.from_claims(app.current_event.request_context.authorizer.jwt_claim)


@app.get(
    "/meals/canteens/<canteen_id>/routes/<day>",
    summary="A canteen's lunch delivery routes for a date (officials of its street or district)",
    responses=error_responses(401, 403, 404, 422),
    tags=["meals"],
)
@tracer.capture_method
def get_routes(
    canteen_id: Annotated[str, Path(pattern=ID_PATTERN)], day: Annotated[date, Path()]
) -> dict[str, Any]:
    return canteen_routes(caller(), canteen_id, day)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
