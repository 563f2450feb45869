"""The service-hour ledger over HTTP: hours of home service delivered in a month per elder,
provider and programme (free hours, self-paid, home care beds), recomputed from the completed
orders and the served bed visits. Officials read their scope's totals, or export its rows
as CSV (ids only: no names or addresses)."""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from careroute.adapters.dynamodb import home_care_beds, orders, registry, scopes
from careroute.domain.access import Caller
from careroute.domain.service_hours import ledger_csv
from careroute.entrypoints.http_api import INPUT_ERRORS, MonthQuery, Routes, ScopeQuery
from careroute.service_layer.service_hours import HourKeeping, ledger_rows, ledger_summary

CSV = "text/csv; charset=utf-8"


def add_routes(app: APIGatewayHttpResolver, caller: Callable[[], Caller]) -> None:
    ports = HourKeeping(orders, home_care_beds, registry, scopes)
    route = Routes(app, "service hours")

    @route("GET", "/oversight/service-hours", errors=INPUT_ERRORS)
    def get_service_hours(month: MonthQuery, scope: ScopeQuery = "city") -> dict[str, Any]:
        """Hours of service delivered in a month: totals, per programme and per provider"""
        return ledger_summary(caller(), scope, month, ports)

    @route(
        "GET",
        "/oversight/service-hours/export",
        errors=INPUT_ERRORS,
        responses={200: {"description": "CSV", "content": {CSV: {"schema": {"type": "string"}}}}},
    )
    def get_service_hours_export(month: MonthQuery, scope: ScopeQuery = "city") -> Response[str]:
        """The month's service-hour ledger as CSV: one line per elder, provider and programme"""
        text = ledger_csv(ledger_rows(caller(), scope, month, ports))
        name = f"service-hours-{month}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(200, CSV, text, headers=headers)
