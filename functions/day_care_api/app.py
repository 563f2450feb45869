"""Day care and respite API (日间照料, 短期托养): the family or the steward books a day-care place
or a respite stay at a centre and cancels it before it starts; anyone signed in reads a
centre's free places; officials read each centre's month of place-days offered and booked."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from careroute.adapters.cached import CachedFacilities
from careroute.adapters.dynamodb import registry, scopes, service_facilities
from careroute.adapters.dynamodb.day_care import DynamoDayCare
from careroute.adapters.dynamodb.repositories import DynamoElders
from careroute.domain import clock
from careroute.entrypoints import handler_setup
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    IdempotencyHeader,
    MonthQuery,
    PathId,
    ScopeQuery,
    area_api,
    check_idempotency_key,
    created_responses,
    http_handler,
    stored_once,
)
from careroute.messages.day_care import CancelBody, PlaceBody
from careroute.service_layer.day_care import (
    DayCareKeeping,
    PlaceRequest,
    book_place,
    booking_view,
    cancel_place,
    centre_places,
    day_care_figures,
)

setup = handler_setup.with_policy()
ports = DayCareKeeping(
    DynamoDayCare(),
    CachedFacilities(service_facilities),  # the centres: kept in the container a few minutes
    DynamoElders(),
    registry,
    scopes,
)
app, caller, route = area_api("day care")
DayQuery = Annotated[date, Query(description="YYYY-MM-DD")]


@route("POST", "/day-care/bookings", responses=created_responses())
def post_booking(
    body: Annotated[PlaceBody, Body()], idempotency_key: IdempotencyHeader = None
) -> Response[str]:
    """Book a day-care place or a respite stay for an elder (once per Idempotency-Key)"""
    key = check_idempotency_key(idempotency_key)
    request = PlaceRequest(**body.model_dump())
    rules = setup.policy().day_care
    booking, created = book_place(caller(), request, key, clock.now(), rules, ports)
    return stored_once(booking_view(booking), created, metric="DayCareBooked")


@route("POST", "/day-care/centres/<centre_id>/bookings/<booking_id>/cancel")
def post_cancel(
    centre_id: PathId, booking_id: PathId, body: Annotated[CancelBody | None, Body()] = None
) -> dict[str, Any]:
    """Cancel a booking before its first day (whoever booked it); its places are free again"""
    return booking_view(cancel_place(caller(), centre_id, booking_id, clock.now(), ports))


@route("GET", "/day-care/centres/<centre_id>/places")
def get_places(centre_id: PathId, first: DayQuery, last: DayQuery) -> dict[str, Any]:
    """A centre's places and free places per day"""
    caller()  # signed in: the places carry no personal data
    return centre_places(centre_id, first, last, setup.policy().day_care, ports)


@route("GET", "/oversight/day-care", errors=INPUT_ERRORS)
def get_day_care(month: MonthQuery, scope: ScopeQuery = "city") -> dict[str, Any]:
    """The month's day care and respite per centre: place-days offered and booked, occupancy"""
    return day_care_figures(caller(), scope, month, setup.policy().day_care, ports)


lambda_handler = http_handler(app)


cold_start.loaded()
