"""Home-service orders API: the routes are in careroute/entrypoints/api_routes/orders.py."""

from careroute.entrypoints.api_routes import orders
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import caller_of, http_handler, new_resolver

setup = with_policy()
app = new_resolver()
orders.add_routes(app, setup, caller_of(app))


lambda_handler = http_handler(app)
