"""Home-service orders API: the routes are in careroute/entrypoints/api_routes/orders.py."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.entrypoints.api_routes import orders
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import caller_of, http_entry, new_resolver

setup = with_policy()
app = new_resolver()
orders.add_routes(app, setup, caller_of(app))


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
