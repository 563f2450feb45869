"""The hospitals as the API lists them: what the steward page offers when an elder is found
gone to hospital (a row's name and point are what the visit's `stay` posts)."""

from __future__ import annotations

from careroute.messages.base import Message


class HospitalRow(Message):
    hospital_id: str
    name: str
    district_id: str
    lat: float
    lng: float
    distance_m: int | None = None
    """Straight-line metres from the point asked about (`near`); None when none was given."""


class HospitalList(Message):
    near: str | None
    """The point the hospitals are sorted by distance from, as asked ("lat,lng"); None: by id."""
    count: int
    hospitals: list[HospitalRow]
