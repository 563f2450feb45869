"""The body of a new elder entered through the API (POST /elders): the fields a row of
elders.csv has, checked as the CSV import checks them (docs/data-format.md)."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from careroute.domain.geo import Crs
from careroute.domain.vocabulary import Category, ElderStatus
from careroute.messages.api import Window
from careroute.messages.base import Message
from careroute.messages.visits import Id


class NewElder(Message):
    """An elder to add to a community's registry. The street and district are the
    community's; the tier follows from the policy, as on import."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    elder_id: Id = Field(description="Opaque registry id, never the ID number")
    community_id: Id
    name: str = Field(min_length=1, max_length=100)
    address: str = Field(min_length=1, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    crs: Crs = Field(default=Crs.WGS84, description="The system of lat and lng")
    categories: list[Category] = Field(min_length=1, max_length=len(Category))
    birth_date: date
    window: Window
    status: ElderStatus = ElderStatus.ACTIVE
    last_visited_on: date | None = None
    phone: str = Field(default="", max_length=30, description="The elder's contact phone")
    guardian: str = Field(
        default="", max_length=100, description="Emergency contact or guardian: name, relation"
    )
    guardian_phone: str = Field(default="", max_length=30)
