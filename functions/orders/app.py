"""Home-service orders and home care beds API: the routes are in
careroute/entrypoints/api_routes/orders.py and beds.py."""

from careroute.entrypoints.api_routes import beds, orders
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import caller_of, http_handler, new_resolver

setup = with_policy()
app = new_resolver()
caller = caller_of(app)
orders.add_routes(app, setup, caller)
beds.add_routes(app, setup, caller)


lambda_handler = http_handler(app)
