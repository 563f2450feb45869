"""Day care and respite's port: bookings and the places they hold at each centre and day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from careroute.domain.day_care import BookingStatus, CareKind, DayCareBooking


def months_held(booking: DayCareBooking) -> dict[date, int]:
    """The days the booking holds in each month (by the month's first day)."""
    held: dict[date, int] = {}
    for day in booking.days:
        first = day.replace(day=1)
        held[first] = held.get(first, 0) + 1
    return held


@dataclass(frozen=True)
class CentreTotals:
    """A centre's month as its bookings hold it: the place-days booked per kind and the
    bookings (elder id, booking id) holding a day of it; cancelled ones hold nothing."""

    centre_id: str
    day_places_booked: int
    respite_nights_booked: int
    held: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, centre_id: str, bookings: Iterable[DayCareBooking], first: date) -> CentreTotals:
        """Counted from bookings (the centre's, any month) for the month beginning `first`."""
        booked = {kind: 0 for kind in CareKind}
        held: set[tuple[str, str]] = set()
        for b in bookings:
            days = months_held(b).get(first, 0)
            if b.centre_id == centre_id and b.status is BookingStatus.BOOKED and days:
                booked[b.kind] += days
                held.add((b.elder_id, b.booking_id))
        return cls(centre_id, booked[CareKind.DAY_CARE], booked[CareKind.RESPITE], frozenset(held))


class Booked(StrEnum):
    """What storing a new booking did."""

    BOOKED = "booked"
    DUPLICATE = "duplicate"
    """A booking with this id exists already (a retried POST): nothing written."""
    FULL = "full"
    """A day it holds has no place left: nothing written."""


class DayCareBookings(Protocol):
    def book(self, booking: DayCareBooking, places: int, request_hash: str) -> Booked:
        """Store a new booking and take a place on each of its days, all or nothing, never
        more than `places` booked of its kind on a day (two bookings at once included)."""
        ...

    def get_booking(self, centre_id: str, booking_id: str) -> tuple[DayCareBooking, str]:
        """The booking and its request's fingerprint; NotFoundError when there is none."""
        ...

    def cancel(self, booking: DayCareBooking, cancelled: DayCareBooking) -> bool:
        """Store the cancelled booking and give its places back, if the stored booking is
        still booked; False otherwise (nothing written)."""
        ...

    def booked_places(
        self, centre_id: str, first: date, last: date
    ) -> dict[tuple[date, CareKind], int]:
        """Places booked per (day, kind) from `first` to `last` (days with none left out)."""
        ...

    def bookings_of(self, centre_id: str, first: date, last: date) -> list[DayCareBooking]:
        """The centre's bookings (any status) holding a day from `first` to `last`."""
        ...

    def month_totals(self, centre_ids: Iterable[str], first: date) -> dict[str, CentreTotals]:
        """The totals of those centres for the month beginning `first`, kept with each
        booking, cancel and import (a centre nothing was ever booked at then is absent)."""
        ...

    def import_bookings(self, bookings: Iterable[DayCareBooking]) -> int:
        """Store checked bookings of an import, each replacing the stored booking of its id,
        and recount the places booked at their centres from every stored booking (an import
        is not refused for a full day: its file was checked against the places); the count
        written."""
        ...
