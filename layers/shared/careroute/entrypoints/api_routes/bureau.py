"""The bureau's settings (city admin only): the tier policy and the holiday calendar."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body

from careroute.domain.access import Caller, Role
from careroute.entrypoints.api_routes import ApiSetup
from careroute.observability import tracer
from careroute.messages.api import Holidays, error_responses
from careroute.service_layer import bureau


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    def bureau_caller() -> Caller:
        who = api.caller()
        who.require(Role.CITY_ADMIN)
        return who

    @app.get(
        "/policy",
        summary="The tier policy in force (default_policy.toml's structure, as JSON)",
        responses=error_responses(401, 403),
        tags=["bureau"],
    )
    @tracer.capture_method
    def get_policy() -> dict[str, Any]:
        bureau_caller()
        return bureau.policy_document(api.settings.policy_file)

    @app.put(
        "/policy",
        summary="Replace the tier policy; every key is checked and an error names the key",
        responses=error_responses(401, 403, 422),
        tags=["bureau"],
    )
    @tracer.capture_method
    def put_policy(document: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
        return bureau.save_policy(bureau_caller(), document)

    @app.get(
        "/holidays",
        summary="The holiday calendar",
        responses=error_responses(401, 403),
        tags=["bureau"],
    )
    @tracer.capture_method
    def get_holidays() -> Holidays:
        bureau_caller()
        return bureau.holidays()

    @app.put(
        "/holidays",
        summary="Replace the holiday calendar (dates YYYY-MM-DD with names, each date once)",
        responses=error_responses(401, 403, 422),
        tags=["bureau"],
    )
    @tracer.capture_method
    def put_holidays(calendar: Annotated[Holidays, Body()]) -> Holidays:
        return bureau.save_holidays(bureau_caller(), calendar)
