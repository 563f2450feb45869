"""15-minute service circle API: officials read, for their scope, the share of elders within
15 minutes' walk of a service facility (the service-facilities table) per district and
community, and who is outside (elder ids only)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.circle_repositories import circle_reading
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import caller_of, http_entry, new_resolver
from careroute.messages.api import error_responses
from careroute.observability import tracer
from careroute.service_layer.service_circle import scope_circle

setup = with_policy()
ports = circle_reading()
app = new_resolver()
caller = caller_of(app)


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
    return scope_circle(caller(), scope, setup.policy(), ports)


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
