"""15-minute service circle API: officials read, for their scope, the share of elders within
15 minutes' walk of a service facility per district and community, and who is outside
(elder ids only)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute import storage
from careroute.api_models import error_responses
from careroute.auth import Caller
from careroute.config import Settings
from careroute.http_errors import register_error_handlers
from careroute.observability import logger, metrics, tracer
from careroute.policy import load_policy
from careroute.services.bureau import current_policy
from careroute.services.service_circle import scope_circle

settings = Settings.from_env()
storage.bind_tables(settings)
policy = load_policy(settings.policy_file)
app = APIGatewayHttpResolver(enable_validation=True)
register_error_handlers(app)


def caller() -> Caller:
    return Caller.from_claims(app.current_event.request_context.authorizer.jwt_claim)


@app.get(
    "/service-circle",
    summary="Share of elders within 15 minutes' walk of a service facility (officials' scope)",
    responses=error_responses(401, 403, 422),
    tags=["service circle"],
)
@tracer.capture_method
def get_circle(
    scope: Annotated[
        str | None, Query(max_length=40, description="city, district:ID, street:ID, community:ID")
    ] = None,
) -> dict[str, Any]:
    return scope_circle(caller(), scope, current_policy(policy))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
