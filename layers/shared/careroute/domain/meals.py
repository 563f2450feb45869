"""Meals for elders (老年助餐): lunch booked for a day at the elder's community canteen, eaten
there (dine-in) or delivered, and the per-meal subsidy the city pays the canteen.

Pure: no AWS. One booking per elder and day (its id is "{day}:{elder id}", the delivery
routes' order id). The subsidy of each meal is fixed when the meal is booked, from the policy's
`[meals]` table and the elder's age that day, and stored with the booking, so the month's
subsidy to a canteen is recomputed from the bookings alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from careroute.domain.policy_tables import check_ranges, setting
from careroute.domain.vocabulary import GeoPoint, TimeWindow, parse_clock


class MealMode(StrEnum):
    DELIVERY = "delivery"
    DINE_IN = "dine_in"


@dataclass(frozen=True)
class MealPolicy:
    """Booking rules and the subsidy (policy `[meals]`)."""

    subsidy_yuan: int = setting(3, low=0)
    """Paid to the canteen per meal for any elder in care."""
    high_age: int = setting(80, 0, 130)
    high_age_subsidy_yuan: int = setting(5, low=0)
    """Per meal instead, for elders this old or older on the day."""
    max_meals: int = setting(2, 1, 10)
    """Meals one booking may hold (the elder and a carer, say)."""
    days_ahead: int = setting(7, 0, 31)
    """A lunch is booked at most this many days ahead."""
    same_day_until: str = "09:00"
    """Today's lunch may be booked until this time (the canteen plans its routes then)."""

    def __post_init__(self) -> None:
        check_ranges(self)
        parse_clock(self.same_day_until)

    def subsidy_per_meal(self, age: int) -> int:
        return self.high_age_subsidy_yuan if age >= self.high_age else self.subsidy_yuan

    @property
    def cutoff_seconds(self) -> int:
        return parse_clock(self.same_day_until)


@dataclass(frozen=True)
class MealBooking:
    """A lunch an elder's family, steward or the call centre booked."""

    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    canteen_id: str
    day: date
    mode: MealMode
    meals: int
    subsidy_per_meal: int
    """Yuan the city pays the canteen for each of these meals (fixed when booked)."""
    placed_by: str
    placed_at: datetime
    location: GeoPoint
    """Where a delivery is handed over (the elder's home; never logged)."""
    window: TimeWindow | None = None
    """When a delivery is handed over; None for dine-in."""

    def __post_init__(self) -> None:
        if self.placed_at.tzinfo is None:
            raise ValueError("placed_at must carry a time zone")
        if self.meals < 1:
            raise ValueError("meals: at least one")
        if (self.window is None) != (self.mode is MealMode.DINE_IN):
            raise ValueError("window: a delivery needs one, a dine-in meal has none")

    @property
    def booking_id(self) -> str:
        return booking_id(self.day, self.elder_id)

    @property
    def subsidy_yuan(self) -> int:
        return self.meals * self.subsidy_per_meal


def booking_id(day: date, elder_id: str) -> str:
    """One lunch per elder and day: the id the delivery routes know the order by."""
    return f"{day.isoformat()}:{elder_id}"


@dataclass(frozen=True)
class CanteenMonth:
    """One canteen's month: meals booked by mode and the subsidy owed for them."""

    canteen_id: str
    district_id: str
    street_id: str
    bookings: int
    meals_delivered: int
    meals_dine_in: int
    subsidy_yuan: int
    elders: int


def canteen_months(
    bookings: Iterable[MealBooking], places: dict[str, tuple[str, str]]
) -> list[CanteenMonth]:
    """Per canteen (in id order): the bookings' meals by mode and their subsidy. `places`
    gives each canteen's (district id, street id)."""
    by_canteen: dict[str, list[MealBooking]] = {}
    for booking in bookings:
        by_canteen.setdefault(booking.canteen_id, []).append(booking)
    months = []
    for canteen_id in sorted(by_canteen):
        found = by_canteen[canteen_id]
        months.append(
            CanteenMonth(
                canteen_id=canteen_id,
                district_id=places[canteen_id][0],
                street_id=places[canteen_id][1],
                bookings=len(found),
                meals_delivered=sum(b.meals for b in found if b.mode is MealMode.DELIVERY),
                meals_dine_in=sum(b.meals for b in found if b.mode is MealMode.DINE_IN),
                subsidy_yuan=sum(b.subsidy_yuan for b in found),
                elders=len({b.elder_id for b in found}),
            )
        )
    return months
