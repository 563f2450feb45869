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
from careroute.entrypoints.sign_in import SignIn
from careroute.entrypoints.static_shell import StaticShell
from careroute.service_layer.dashboard import month_series, scope_map
from careroute.service_layer.map_outlines import scope_outlines

setup = handler_setup.with_policy()
ports = dashboard_reading()
sign_in = SignIn.from_env()
app, caller, route = area_api("dashboard")
shell = StaticShell(FilePath(__file__).parent / "static", sign_in.token_origin())
LEAFLET = "vendor/leaflet/"


@app.get("/app/sign-in.json", include_in_schema=False)
def get_sign_in() -> Response[str]:
    return shell.json(sign_in.page_config())


@app.get("/app/<name>", include_in_schema=False)
def get_page(name: Annotated[str, Path(max_length=64)]) -> Response[str]:
    return shell.file(name)


@app.get(f"/app/{LEAFLET}<name>", include_in_schema=False)
def get_leaflet(name: Annotated[str, Path(max_length=64)]) -> Response[str]:
    return shell.file(LEAFLET + name)


@app.get(f"/app/{LEAFLET}images/<name>", include_in_schema=False)
def get_leaflet_image(name: Annotated[str, Path(max_length=64)]) -> Response[str]:
    return shell.file(f"{LEAFLET}images/{name}")


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
