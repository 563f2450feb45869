"""Web pages: the steward's day and the officials' dashboard, plus the two reads only they need.

GET /app/{file} serves the static shell (HTML, CSS, JS shipped in functions/web/static; no
CDN, nothing fetched from the internet) with no token: the shell holds no data. Everything a
page shows comes from JWT-protected routes: the API function's, and here GET /map (community
points and district outlines of the viewer's scope) and GET /coverage/daily (the month's
coverage day by day), scoped like GET /coverage.
"""

from http import HTTPStatus
from pathlib import Path as FilePath
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from careroute.adapters.dynamodb.oversight_repositories import dashboard_reading
from careroute.domain import clock
from careroute.entrypoints import handler_setup
from careroute.entrypoints.http_api import (
    MonthQuery,
    ScopeQuery,
    area_api,
    http_handler,
)
from careroute.entrypoints.http_errors import error
from careroute.service_layer.dashboard import month_series, scope_map

handler_setup.bound_settings()
ports = dashboard_reading()
app, caller, route = area_api("dashboard")
STATIC = FilePath(__file__).parent / "static"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}
FILES = {p.name: p for p in STATIC.iterdir() if p.suffix in TYPES}
"""The shell's files, listed once: a request names one of these or gets 404."""
CSP = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data: https:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
"""The pages run only their own scripts and talk only to this API (the token is in
localStorage); images may come from https for the optional base-map tiles."""


@app.get("/app/<name>", include_in_schema=False)
def get_page(name: Annotated[str, Path(max_length=64)]) -> Response[str]:
    page = FILES.get(name)
    if page is None:
        return error(HTTPStatus.NOT_FOUND, "not_found", "no such page")
    headers = {
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": CSP,
    }
    return Response(200, TYPES[page.suffix], page.read_text("utf-8"), headers=headers)


@route("GET", "/map", "Community points and district outlines of a scope (no elder data)")
def get_map(scope: ScopeQuery = "city") -> dict[str, Any]:
    return scope_map(caller(), scope, ports)


@route("GET", "/coverage/daily", "Elders visited per tier, cumulative, each day of a month")
def get_coverage_daily(month: MonthQuery, scope: ScopeQuery = "city") -> dict[str, Any]:
    return month_series(caller(), month, scope, clock.today(), ports)


lambda_handler = http_handler(app)
