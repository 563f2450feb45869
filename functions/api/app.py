"""HTTP API: stewards fetch routes and post outcomes; officials read coverage, overdue elders
and the registry and change it; the bureau (city_admin) sets the tier policy and holidays.

Every route but /openapi.json and /docs sits behind API Gateway's JWT authorizer; the handler
reads the verified caller from the claims (careroute.domain.access) and enforces role and scope.
Every 4xx has one JSON shape, {"error": {"code": ..., "message": ...}}; a 5xx never carries
internals. The routes live in careroute/entrypoints/api_routes, one module per area.
"""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from aws_lambda_powertools.event_handler import Response, content_types

from careroute.domain.policy import load_policy
from careroute.entrypoints.api_routes import (
    ApiSetup,
    bureau,
    capacity,
    exports,
    hospitals,
    officials,
    registry,
    tickets,
    visits,
)
from careroute.entrypoints.docs_page import DOCS_HTML
from careroute.entrypoints.handler_setup import bound_settings
from careroute.entrypoints.http_api import caller_of, http_handler, new_resolver
from careroute.entrypoints.openapi_doc import served_document

settings = bound_settings()
app = new_resolver()
api = ApiSetup(settings, load_policy(settings.policy_file), caller_of(app))
for area in (visits, officials, registry, bureau, tickets, capacity, exports, hospitals):
    area.add_routes(app, api)


@app.get("/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    """Every function's routes in one document, built by `make openapi`."""
    return Response(200, content_types.APPLICATION_JSON, served_document())


@app.get("/docs", include_in_schema=False)
def get_docs() -> Response[str]:
    return Response(200, "text/html; charset=utf-8", DOCS_HTML)


lambda_handler = http_handler(app)
cold_start.loaded()
