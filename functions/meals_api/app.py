"""Meals API (老年助餐): the family, the steward or the call centre books an elder's lunch,
dine-in or delivered; officials read a canteen's lunch delivery routes for a date (vehicles,
trips, hand-over times and ride minutes; elder ids only) and each canteen's month of meals
and the subsidy owed to it."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from careroute.adapters.dynamodb import canteens, registry, scopes
from careroute.adapters.dynamodb.meal_bookings import DynamoMealBookings
from careroute.adapters.dynamodb.meal_repositories import meal_route_reading
from careroute.adapters.dynamodb.repositories import DynamoElders
from careroute.domain import clock
from careroute.entrypoints import handler_setup
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    MonthQuery,
    PathDay,
    PathId,
    ScopeQuery,
    area_api,
    created_responses,
    http_handler,
    stored_once,
)
from careroute.messages.meals import LunchBody
from careroute.service_layer.meal_orders import (
    LunchBooking,
    LunchRequest,
    book_lunch,
    booking_view,
    meal_subsidies,
)
from careroute.service_layer.meals import canteen_routes

setup = handler_setup.with_policy()
ports = meal_route_reading()
booking = LunchBooking(DynamoMealBookings(), canteens, DynamoElders(), registry, scopes)
app, caller, route = area_api("meals")


@route("GET", "/meals/canteens/<canteen_id>/routes/<day>")
def get_routes(canteen_id: PathId, day: PathDay) -> dict[str, Any]:
    """A canteen's lunch delivery routes for a date (officials of its street or district)"""
    return canteen_routes(caller(), canteen_id, day, ports)


@route("POST", "/meals/bookings", responses=created_responses())
def post_booking(body: Annotated[LunchBody, Body()]) -> Response[str]:
    """Book an elder's lunch at the community canteen, dine-in or delivered (one a day)"""
    request = LunchRequest(**body.model_dump())
    rules = setup.policy().meals
    booked, created = book_lunch(caller(), request, clock.now(), rules, booking)
    return stored_once(booking_view(booked), created, metric="LunchesBooked")


@route("GET", "/meals/subsidies", errors=INPUT_ERRORS)
def get_subsidies(month: MonthQuery, scope: ScopeQuery = "city") -> dict[str, Any]:
    """The month's booked lunches per canteen of a scope and the per-meal subsidy owed"""
    return meal_subsidies(caller(), scope, month, booking)


lambda_handler = http_handler(app)
cold_start.loaded()
