"""The bureau's settings (city admin only): the tier policy and the holiday calendar."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body

from careroute.adapters.china_calendar import ChinaCalendar
from careroute.adapters.dynamodb.repositories import DynamoHolidays
from careroute.domain import clock
from careroute.domain.access import Caller, Role
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.http_api import CALLER_ERRORS, INPUT_ERRORS, Routes
from careroute.entrypoints.policy_in_force import POLICY_IN_FORCE
from careroute.messages.api import HolidayCalendarAnswer, Holidays
from careroute.service_layer import bureau


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    route = Routes(app, "bureau")
    holiday_calendar = DynamoHolidays()
    in_force = ChinaCalendar(holiday_calendar)

    def bureau_caller() -> Caller:
        who = api.caller()
        who.require(Role.CITY_ADMIN)
        return who

    @route("GET", "/policy", errors=CALLER_ERRORS)
    def get_policy() -> dict[str, Any]:
        """The tier policy in force (default_policy.toml's structure, as JSON)"""
        bureau_caller()
        return bureau.policy_document(api.settings.policy_file, POLICY_IN_FORCE.store)

    @route("PUT", "/policy", errors=INPUT_ERRORS)
    def put_policy(document: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
        """Replace the tier policy; every key is checked and an error names the key"""
        return bureau.save_policy(bureau_caller(), document, POLICY_IN_FORCE)

    @route("GET", "/holidays", errors=CALLER_ERRORS)
    def get_holidays() -> HolidayCalendarAnswer:
        """The bureau's holidays and make-up working days (on top of the chinese-calendar package),
        with a warning for each year near today that has no calendar at all"""
        bureau_caller()
        return bureau.holidays_answer(holiday_calendar, in_force.warnings(clock.today()))

    @route("PUT", "/holidays", errors=INPUT_ERRORS)
    def put_holidays(calendar: Annotated[Holidays, Body()]) -> Holidays:
        """Replace the bureau's holidays and make-up working days (dates YYYY-MM-DD with names, each
        date once); they win over the chinese-calendar package on their dates"""
        return bureau.save_holidays(bureau_caller(), calendar, holiday_calendar)
