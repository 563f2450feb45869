"""The city's hospitals over HTTP: what the steward page offers when an elder is found gone
to hospital, nearest to the elder first."""

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

from careroute.adapters.dynamodb.hospitals import DynamoHospitals
from careroute.domain.errors import ValidationError
from careroute.domain.vocabulary import GeoPoint
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.http_api import INPUT_ERRORS, Routes
from careroute.messages.hospitals import HospitalList, HospitalRow
from careroute.service_layer.hospitals import HospitalNear, list_hospitals
from careroute.service_layer.views import attributes

NearQuery = Annotated[
    str | None,
    Query(
        description="lat,lng (WGS-84 degrees, e.g. the elder's home): nearest first; "
        "without it, by id",
        max_length=60,
    ),
]


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    caller = api.caller
    directory = DynamoHospitals()
    route = Routes(app, "steward")

    @route("GET", "/hospitals", errors=INPUT_ERRORS)
    def get_hospitals(near: NearQuery = None) -> HospitalList:
        """The city's hospitals (stewards, officials), nearest to a point first"""
        point = None if near is None else point_of(near)
        found = list_hospitals(caller(), point, directory)
        return HospitalList(near=near, count=len(found), hospitals=[row_of(f) for f in found])


def point_of(text: str) -> GeoPoint:
    """The point "lat,lng" names; ValidationError (422) for anything else."""
    lat, comma, lng = text.partition(",")
    try:
        if not comma:
            raise ValueError("no comma")
        return GeoPoint(float(lat), float(lng))
    except ValueError as exc:
        raise ValidationError(f"near: must be lat,lng in degrees, not {text!r}") from exc


def row_of(found: HospitalNear) -> HospitalRow:
    h = found.hospital
    distance = None if found.distance_m is None else round(found.distance_m)
    return HospitalRow(
        **attributes(h, "hospital_id", "name", "district_id"),
        lat=h.location.lat,
        lng=h.location.lng,
        distance_m=distance,
    )
