"""Web pages: the steward's day and the officials' dashboard, plus the two reads only they need.

GET /app/{file} serves the static shell (HTML, CSS, JS shipped in functions/web/static, and
the Leaflet release vendored under static/vendor/leaflet; no CDN, nothing fetched from the
internet) with no token: the shell holds no data. GET /app/sign-in.json tells the pages where
they sign in (Cognito's hosted UI, or the local issuer). Everything a page shows comes from
JWT-protected routes: the API function's, and here GET /map (community points and district
outlines of the viewer's scope), GET /map/outlines (the same scope's district and community
outlines as GeoJSON) and GET /coverage/daily (the month's coverage day by day), scoped like
GET /coverage.
"""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

import base64
import json
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
from careroute.entrypoints.sign_in import SignIn
from careroute.service_layer.dashboard import month_series, scope_map
from careroute.service_layer.map_outlines import scope_outlines

setup = handler_setup.with_policy()
ports = dashboard_reading()
sign_in = SignIn.from_env()
app, caller, route = area_api("dashboard")
STATIC = FilePath(__file__).parent / "static"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".png": "image/png",
}
FILES = {p.relative_to(STATIC).as_posix(): p for p in STATIC.rglob("*") if p.suffix in TYPES}
"""The shell's files by their path under static/, listed once: a request names one or gets
404."""
LEAFLET = "vendor/leaflet/"
CONNECT = " ".join(filter(None, ["'self'", sign_in.token_origin()]))
CSP = (
    f"default-src 'self'; script-src 'self'; connect-src {CONNECT}; "
    "img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'; worker-src 'self'"
)
"""The pages run only their own scripts (and their service worker) and talk only to this API
and the sign-in's token endpoint; images may come from https for the optional base-map tiles."""
HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CSP,
}


@app.get("/app/sign-in.json", include_in_schema=False)
def get_sign_in() -> Response[str]:
    body = json.dumps(sign_in.page_config())
    return Response(200, TYPES[".json"], body, headers=HEADERS)


@app.get("/app/<name>", include_in_schema=False)
def get_page(name: Annotated[str, Path(max_length=64)]) -> Response[str]:
    return static_file(name)


@app.get(f"/app/{LEAFLET}<name>", include_in_schema=False)
def get_leaflet(name: Annotated[str, Path(max_length=64)]) -> Response[str]:
    return static_file(LEAFLET + name)


@app.get(f"/app/{LEAFLET}images/<name>", include_in_schema=False)
def get_leaflet_image(name: Annotated[str, Path(max_length=64)]) -> Response[str]:
    return static_file(f"{LEAFLET}images/{name}")


def static_file(path: str) -> Response[str]:
    """A file of the shell, byte for byte (line ends kept); an image goes base64-encoded, as
    API Gateway passes binary."""
    found = FILES.get(path)
    if found is None:
        return error(HTTPStatus.NOT_FOUND, "not_found", "no such page")
    if found.suffix == ".png":
        body = base64.b64encode(found.read_bytes()).decode("ascii")
        response = Response(200, TYPES[".png"], body, headers=HEADERS)
        response.base64_encoded = True
        return response
    return Response(200, TYPES[found.suffix], found.read_bytes().decode("utf-8"), headers=HEADERS)


@route("GET", "/map")
def get_map(scope: ScopeQuery = "city") -> dict[str, Any]:
    """Community points and district outlines of a scope (no elder data)"""
    return scope_map(caller(), scope, ports)


@route("GET", "/map/outlines")
def get_map_outlines(scope: ScopeQuery = "city") -> dict[str, Any]:
    """District and community outlines of a scope as GeoJSON"""
    return scope_outlines(caller(), scope, ports)


@route("GET", "/coverage/daily")
def get_coverage_daily(month: MonthQuery, scope: ScopeQuery = "city") -> dict[str, Any]:
    """Elders visited per tier, cumulative, each day of a month"""
    contacts = setup.policy().contacts.count_toward_monthly
    return month_series(caller(), month, scope, clock.today(), ports, contacts)


lambda_handler = http_handler(app)


cold_start.loaded()
