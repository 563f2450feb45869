"""Home-service orders, home care beds and the service-hour ledger API: the routes are in
careroute/entrypoints/api_routes/orders.py, beds.py and service_hours.py."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from careroute.entrypoints.api_routes import beds, orders, service_hours
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import caller_of, http_handler, new_resolver

setup = with_policy()
app = new_resolver()
caller = caller_of(app)
orders.add_routes(app, setup, caller)
beds.add_routes(app, setup, caller)
service_hours.add_routes(app, caller)


lambda_handler = http_handler(app)
cold_start.loaded()
