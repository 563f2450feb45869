"""Lunch bookings in memory, with the DynamoDB adapter's behaviour: one lunch per elder and
day at a canteen (a loaded delivery order counts), a delivery also stored as the canteen
day's order (`MemoryMealOrders`), which the delivery routes plan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from careroute.adapters.memory_meals import MemoryMealOrders
from careroute.domain.meals import MealBooking, MealMode
from careroute.planning.meals import MealOrder
from careroute.service_layer.ports.meal_bookings import MonthTotals


class MemoryMealBookings:
    def __init__(self, orders: MemoryMealOrders) -> None:
        self._orders = orders
        self._bookings: dict[tuple[str, str], MealBooking] = {}

    def book(self, booking: MealBooking) -> bool:
        key = (booking.canteen_id, booking.booking_id)
        ordered = self._orders.has_order(booking.canteen_id, booking.booking_id)
        if key in self._bookings or ordered:
            return False
        self._store(booking)
        return True

    def import_bookings(self, bookings: Iterable[MealBooking]) -> int:
        count = 0
        for booking in bookings:
            if booking.mode is MealMode.DINE_IN:
                self._orders.remove_order(booking.canteen_id, booking.day, booking.booking_id)
            self._store(booking)
            count += 1
        return count

    def all_bookings(self) -> list[MealBooking]:
        """Every booking, by day, elder and canteen (what an export writes)."""
        return sorted(self._bookings.values(), key=lambda b: (b.day, b.elder_id, b.canteen_id))

    def _store(self, booking: MealBooking) -> None:
        self._bookings[(booking.canteen_id, booking.booking_id)] = booking
        if booking.mode is MealMode.DELIVERY and booking.window is not None:
            order = MealOrder(
                booking.booking_id,
                booking.elder_id,
                booking.canteen_id,
                booking.location,
                booking.meals,
                booking.window,
            )
            self._orders.save_orders(booking.day, [order])

    def find_booking(self, canteen_id: str, day: date, elder_id: str) -> MealBooking | None:
        return self._bookings.get((canteen_id, f"{day.isoformat()}:{elder_id}"))

    def bookings_of(self, canteen_id: str, first: date, last: date) -> list[MealBooking]:
        found = [
            b for (k, _), b in self._bookings.items() if k == canteen_id and first <= b.day <= last
        ]
        return sorted(found, key=lambda b: (b.day, b.elder_id))

    def month_totals(self, first: date) -> list[MonthTotals]:
        in_month = [b for b in self._bookings.values() if b.day.replace(day=1) == first]
        return [
            MonthTotals.of(c, (b for b in in_month if b.canteen_id == c))
            for c in sorted({b.canteen_id for b in in_month})
        ]
