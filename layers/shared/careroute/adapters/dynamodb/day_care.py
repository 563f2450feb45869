"""Day care table: per centre (`centre_id`), its bookings (`booking#<id>`, the booking as JSON)
and a counter of places booked per day and kind (`places#<day>#<kind>`). Booking is one
transaction: the booking put (its id unused) and, for each day it holds, the day's counter
raised by one on condition it is below the places the policy offers; a full day cancels it
all. Cancelling lowers the counters with the status change, in one transaction too. Both
move the centre's month totals too (day_care_months.py). Kept (no TTL): the bookings are
the record behind the month's occupancy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from careroute.adapters.dynamodb import day_care_months
from careroute.adapters.dynamodb.columns import MONTH_PREFIX
from careroute.adapters.dynamodb.documents import as_read, as_stored
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, find_item, transaction, write_all
from careroute.domain.day_care import BookingStatus, CareKind, DayCareBooking
from careroute.domain.errors import NotFoundError
from careroute.domain.scope_ids import scope_ids, scope_ids_in
from careroute.service_layer.ports.day_care import Booked, CentreTotals


class DayCareModel(TableModel):
    centre_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)
    booked = NumberAttribute(null=True)
    status = UnicodeAttribute(null=True)
    request_hash = UnicodeAttribute(null=True)
    document = UnicodeAttribute(null=True)


def _places_key(day: date, kind: CareKind) -> str:
    return f"places#{day.isoformat()}#{kind.value}"


BOOKING_AS_IS = ("booking_id", "centre_id", "elder_id", "booked_by")
"""The fields of a booking its document keeps as they are."""


def _document(b: DayCareBooking) -> str:
    fields: dict[str, Any] = {
        **as_stored(b, *BOOKING_AS_IS),
        **scope_ids(b),
        "kind": b.kind.value,
        "first_day": b.first_day.isoformat(),
        "last_day": b.last_day.isoformat(),
        "booked_at": b.booked_at.isoformat(),
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def _booking(item: DayCareModel) -> DayCareBooking:
    d = json.loads(item.document or "{}")
    return DayCareBooking(
        **as_read(d, *BOOKING_AS_IS),
        **scope_ids_in(d),
        kind=CareKind(d["kind"]),
        first_day=date.fromisoformat(d["first_day"]),
        last_day=date.fromisoformat(d["last_day"]),
        booked_at=datetime.fromisoformat(d["booked_at"]),
        status=BookingStatus(item.status or BookingStatus.BOOKED.value),
    )


def book(booking: DayCareBooking, places: int, request_hash: str) -> Booked:
    item = DayCareModel(
        booking.centre_id,
        f"booking#{booking.booking_id}",
        status=BookingStatus.BOOKED.value,
        request_hash=request_hash,
        document=_document(booking),
    )
    with transaction(DayCareModel, "book a day-care place") as writes:
        writes.save(item, condition=DayCareModel.item_key.does_not_exist())
        for day in booking.days:
            counter = DayCareModel(booking.centre_id, _places_key(day, booking.kind))
            room = DayCareModel.booked.does_not_exist() | (DayCareModel.booked < places)
            writes.update(counter, actions=[DayCareModel.booked.add(1)], condition=room)
        for month, actions in day_care_months.moves(booking, 1):
            writes.update(month, actions=actions)
    if writes.committed:
        return Booked.BOOKED
    return Booked.DUPLICATE if writes.failed[0] else Booked.FULL


def import_bookings(bookings: Iterable[DayCareBooking]) -> int:
    """Put each booking (replacing the stored one of its id), then set the places booked of
    each centre imported into from all its bookings held: the counters are put whole, and
    a counter of a day no longer held is set to 0."""
    checked = list(bookings)
    items = [
        DayCareModel(
            b.centre_id,
            f"booking#{b.booking_id}",
            status=b.status.value,
            request_hash="",
            document=_document(b),
        )
        for b in checked
    ]
    write_all(DayCareModel, items, "import day-care bookings")
    for centre_id in sorted({b.centre_id for b in checked}):
        _recount(centre_id)
    return len(checked)


def _recount(centre_id: str) -> None:
    with storage_errors("recount a centre's booked places"):
        stored = list(DayCareModel.query(centre_id))
    held = [_booking(i) for i in stored if i.item_key.startswith("booking#")]
    counts: dict[str, int] = {i.item_key: 0 for i in stored if i.item_key.startswith("places#")}
    for booking in held:
        if booking.status is BookingStatus.BOOKED:
            for day in booking.days:
                key = _places_key(day, booking.kind)
                counts[key] = counts.get(key, 0) + 1
    counters = [DayCareModel(centre_id, key, booked=n) for key, n in sorted(counts.items())]
    write_all(DayCareModel, counters, "recount a centre's booked places")
    stale = [i.item_key for i in stored if i.item_key.startswith(MONTH_PREFIX)]
    day_care_months.replace_months(centre_id, held, stale)


def all_bookings() -> list[DayCareBooking]:
    """Every booking of every centre, by id (an export of the data set; a scan)."""
    with storage_errors("list day-care bookings"):
        items = DayCareModel.scan(DayCareModel.item_key.startswith("booking#"))
        found = [_booking(item) for item in items]
    return sorted(found, key=lambda b: b.booking_id)


def get_booking(centre_id: str, booking_id: str) -> tuple[DayCareBooking, str]:
    key = f"booking#{booking_id}"
    item = find_item(DayCareModel, centre_id, key, action="read a booking", consistent=True)
    if item is None:
        raise NotFoundError(f"booking {booking_id} not found at {centre_id}")
    return _booking(item), item.request_hash or ""


def cancel(booking: DayCareBooking, cancelled: DayCareBooking) -> bool:
    item = DayCareModel(booking.centre_id, f"booking#{booking.booking_id}")
    with transaction(DayCareModel, "cancel a day-care booking") as writes:
        writes.update(
            item,
            actions=[DayCareModel.status.set(cancelled.status.value)],
            condition=DayCareModel.status == BookingStatus.BOOKED.value,
        )
        for day in booking.days:
            counter = DayCareModel(booking.centre_id, _places_key(day, booking.kind))
            writes.update(counter, actions=[DayCareModel.booked.add(-1)])
        for month, actions in day_care_months.moves(booking, -1):
            writes.update(month, actions=actions)
    return writes.committed


def booked_places(centre_id: str, first: date, last: date) -> dict[tuple[date, CareKind], int]:
    since, until = f"places#{first.isoformat()}", f"places#{last.isoformat()}#~"
    found: dict[tuple[date, CareKind], int] = {}
    with storage_errors("read a centre's booked places"):
        for item in DayCareModel.query(centre_id, DayCareModel.item_key.between(since, until)):
            _, day, kind = item.item_key.split("#")
            if item.booked:
                found[(date.fromisoformat(day), CareKind(kind))] = int(item.booked)
    return found


def bookings_of(centre_id: str, first: date, last: date) -> list[DayCareBooking]:
    with storage_errors("list a centre's bookings"):
        items = DayCareModel.query(centre_id, DayCareModel.item_key.startswith("booking#"))
        found = [_booking(item) for item in items]
    held = [b for b in found if b.first_day <= last and b.last_day >= first]
    return sorted(held, key=lambda b: (b.first_day, b.booking_id))


class DynamoDayCare:
    """The day-care bookings port on the day care table."""

    def book(self, booking: DayCareBooking, places: int, request_hash: str) -> Booked:
        return book(booking, places, request_hash)

    def get_booking(self, centre_id: str, booking_id: str) -> tuple[DayCareBooking, str]:
        return get_booking(centre_id, booking_id)

    def cancel(self, booking: DayCareBooking, cancelled: DayCareBooking) -> bool:
        return cancel(booking, cancelled)

    def booked_places(
        self, centre_id: str, first: date, last: date
    ) -> dict[tuple[date, CareKind], int]:
        return booked_places(centre_id, first, last)

    def bookings_of(self, centre_id: str, first: date, last: date) -> list[DayCareBooking]:
        return bookings_of(centre_id, first, last)

    def month_totals(self, centre_ids: Iterable[str], first: date) -> dict[str, CentreTotals]:
        return day_care_months.month_totals(centre_ids, first)

    def import_bookings(self, bookings: Iterable[DayCareBooking]) -> int:
        return import_bookings(bookings)
