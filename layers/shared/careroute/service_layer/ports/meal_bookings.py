"""Lunch bookings' port: one booking per elder and day, a delivery also being the canteen
day's order the delivery routes plan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from careroute.domain.meals import MealBooking


class MealBookings(Protocol):
    def book(self, booking: MealBooking) -> bool:
        """Store a new booking (a delivery also as the canteen's order for the day); False
        when the elder has a lunch that day at the canteen already (nothing written)."""
        ...

    def find_booking(self, canteen_id: str, day: date, elder_id: str) -> MealBooking | None:
        """The elder's booking of the day at the canteen, or None (an order loaded from a CSV
        import, with no booking, is None too)."""
        ...

    def bookings_of(self, canteen_id: str, first: date, last: date) -> list[MealBooking]:
        """The canteen's bookings for lunches from `first` to `last`, by day and elder."""
        ...

    def import_bookings(self, bookings: Iterable[MealBooking]) -> int:
        """Store checked bookings of an import, each replacing the elder's lunch of its day
        at the canteen (a delivery as the day's order too); the count written."""
        ...
