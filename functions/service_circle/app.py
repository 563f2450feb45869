"""15-minute service circle API: officials read, for their scope, the share of elders within
15 minutes' walk of a service facility (the service-facilities table) per district and
community, and who is outside (elder ids only), as of the night's count."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query

from careroute.adapters.dynamodb.circle_repositories import circle_reading
from careroute.domain import clock
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import INPUT_ERRORS, area_api, http_handler
from careroute.service_layer.service_circle import scope_circle

setup = with_policy()
ports = circle_reading()
app, caller, route = area_api("service circle")


@route("GET", "/service-circle", errors=INPUT_ERRORS)
def get_circle(
    scope: Annotated[
        str | None, Query(max_length=40, description="city, district:ID, street:ID, community:ID")
    ] = None,
) -> dict[str, Any]:
    """Share of elders within 15 minutes' walk of a service facility (officials' scope)"""
    return scope_circle(caller(), scope, clock.today(), setup.policy(), ports)


lambda_handler = http_handler(app)


cold_start.loaded()
