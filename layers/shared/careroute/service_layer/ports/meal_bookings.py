"""Lunch bookings' port: one booking per elder and day, a delivery also being the canteen
day's order the delivery routes plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from careroute.domain.meals import MealBooking, MealMode


@dataclass(frozen=True)
class MonthTotals:
    """One canteen's booked lunches of a month (what its subsidy row sums)."""

    canteen_id: str
    bookings: int
    meals_delivered: int
    meals_dine_in: int
    subsidy_yuan: int
    elders: frozenset[str]

    @classmethod
    def of(cls, canteen_id: str, bookings: Iterable[MealBooking]) -> MonthTotals:
        """The totals of these bookings (the canteen's, of one month)."""
        found = list(bookings)
        return cls(
            canteen_id=canteen_id,
            bookings=len(found),
            meals_delivered=sum(b.meals for b in found if b.mode is MealMode.DELIVERY),
            meals_dine_in=sum(b.meals for b in found if b.mode is MealMode.DINE_IN),
            subsidy_yuan=sum(b.subsidy_yuan for b in found),
            elders=frozenset(b.elder_id for b in found),
        )


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

    def month_totals(self, first: date) -> list[MonthTotals]:
        """Every canteen's totals of the month beginning `first` (those with a booking), by
        canteen id; kept with each booking and import, not recounted on the read."""
        ...
