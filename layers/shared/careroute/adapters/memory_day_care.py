"""Day care and respite bookings in memory, with the DynamoDB adapter's behaviour: a booking
and its places are taken all or nothing, never over the places of a day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from careroute.adapters.memory_store import get_stored
from careroute.domain.day_care import BookingStatus, CareKind, DayCareBooking
from careroute.service_layer.ports.day_care import Booked, CentreTotals, months_held


class MemoryDayCare:
    def __init__(self) -> None:
        self._bookings: dict[tuple[str, str], tuple[DayCareBooking, str]] = {}
        self._booked: dict[tuple[str, date, CareKind], int] = {}

    def book(self, booking: DayCareBooking, places: int, request_hash: str) -> Booked:
        key = (booking.centre_id, booking.booking_id)
        if key in self._bookings:
            return Booked.DUPLICATE
        slots = [(booking.centre_id, day, booking.kind) for day in booking.days]
        if any(self._booked.get(slot, 0) >= places for slot in slots):
            return Booked.FULL
        for slot in slots:
            self._booked[slot] = self._booked.get(slot, 0) + 1
        self._bookings[key] = (booking, request_hash)
        return Booked.BOOKED

    def import_bookings(self, bookings: Iterable[DayCareBooking]) -> int:
        count = 0
        centres: set[str] = set()
        for booking in bookings:
            key = (booking.centre_id, booking.booking_id)
            stored = self._bookings.get(key)
            self._bookings[key] = (booking, stored[1] if stored else "")
            centres.add(booking.centre_id)
            count += 1
        for centre_id in centres:
            self._recount(centre_id)
        return count

    def _recount(self, centre_id: str) -> None:
        """The centre's places booked per day and kind, from its bookings held."""
        for slot in [slot for slot in self._booked if slot[0] == centre_id]:
            del self._booked[slot]
        for (centre, _), (booking, _) in self._bookings.items():
            if centre == centre_id and booking.status is BookingStatus.BOOKED:
                for day in booking.days:
                    slot = (centre_id, day, booking.kind)
                    self._booked[slot] = self._booked.get(slot, 0) + 1

    def all_bookings(self) -> list[DayCareBooking]:
        """Every booking, by id (what an export writes)."""
        return sorted((b for b, _ in self._bookings.values()), key=lambda b: b.booking_id)

    def get_booking(self, centre_id: str, booking_id: str) -> tuple[DayCareBooking, str]:
        missing = f"booking {booking_id} not found at {centre_id}"
        return get_stored(self._bookings, (centre_id, booking_id), missing)

    def cancel(self, booking: DayCareBooking, cancelled: DayCareBooking) -> bool:
        key = (booking.centre_id, booking.booking_id)
        stored = self._bookings.get(key)
        if stored is None or stored[0].status is not BookingStatus.BOOKED:
            return False
        for day in booking.days:
            self._booked[(booking.centre_id, day, booking.kind)] -= 1
        self._bookings[key] = (cancelled, stored[1])
        return True

    def booked_places(
        self, centre_id: str, first: date, last: date
    ) -> dict[tuple[date, CareKind], int]:
        return {
            (day, kind): count
            for (centre, day, kind), count in sorted(self._booked.items())
            if centre == centre_id and first <= day <= last and count > 0
        }

    def bookings_of(self, centre_id: str, first: date, last: date) -> list[DayCareBooking]:
        found = [
            b
            for (centre, _), (b, _) in self._bookings.items()
            if centre == centre_id and b.first_day <= last and b.last_day >= first
        ]
        return sorted(found, key=lambda b: (b.first_day, b.booking_id))

    def month_totals(self, centre_ids: Iterable[str], first: date) -> dict[str, CentreTotals]:
        found: dict[str, CentreTotals] = {}
        for centre_id in sorted(set(centre_ids)):
            mine = [b for (centre, _), (b, _) in self._bookings.items() if centre == centre_id]
            if any(first in months_held(b) for b in mine):
                found[centre_id] = CentreTotals.of(centre_id, mine, first)
        return found
