"""Lunch bookings in the meal orders table. A delivery is the canteen day's order
(`{day}:{elder id}`, the item meal_orders.py reads for the routes) with the booking's columns
added; a dine-in booking is `dine:{day}:{elder id}`, which the day's order query never
matches. Booking either is one transaction: the put (its key unused), a check that the
other key is unused too, so an elder has one lunch a day at a canteen whatever the mode, and
the canteen's month totals moved (meal_months.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from careroute.adapters.dynamodb import meal_months
from careroute.adapters.dynamodb.columns import (
    MaybeInScopes,
    expiry_of_day,
    location_columns,
    optional_window,
)
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.meal_orders import MealOrderColumns
from careroute.adapters.dynamodb.tables import TableModel, find_item, transaction
from careroute.domain.due import month_end
from careroute.domain.meals import MealBooking, MealMode
from careroute.domain.scope_ids import scope_ids
from careroute.service_layer.ports.meal_bookings import MonthTotals

DINE_IN = "dine:"


class MealBookingModel(TableModel, MealOrderColumns, MaybeInScopes):
    window_start = NumberAttribute(null=True)
    window_end = NumberAttribute(null=True)
    mode = UnicodeAttribute(null=True)
    """Set on booked lunches only (an imported order has none)."""
    subsidy_per_meal = NumberAttribute(null=True)
    placed_by = UnicodeAttribute(null=True)
    placed_at = UnicodeAttribute(null=True)


def _key(mode: MealMode, day: date, elder_id: str) -> str:
    plain = f"{day.isoformat()}:{elder_id}"
    return DINE_IN + plain if mode is MealMode.DINE_IN else plain


def _other_key(b: MealBooking) -> str:
    """The key the elder's lunch of the day has in the other mode."""
    other = MealMode.DELIVERY if b.mode is MealMode.DINE_IN else MealMode.DINE_IN
    return _key(other, b.day, b.elder_id)


def _item(b: MealBooking) -> MealBookingModel:
    return MealBookingModel(
        b.canteen_id,
        _key(b.mode, b.day, b.elder_id),
        elder_id=b.elder_id,
        meals=b.meals,
        **location_columns(b.location),
        window_start=b.window.start if b.window else None,
        window_end=b.window.end if b.window else None,
        mode=b.mode.value,
        subsidy_per_meal=b.subsidy_per_meal,
        placed_by=b.placed_by,
        placed_at=b.placed_at.isoformat(),
        **scope_ids(b),
        expires_at=expiry_of_day(b.day),
    )


def book(b: MealBooking) -> bool:
    """Store the booking and count it in its canteen's month, together (nothing when the
    elder has a lunch that day: a retried booking never counts twice)."""
    with transaction(MealBookingModel, "book a lunch") as writes:
        writes.save(_item(b), condition=MealBookingModel.order_id.does_not_exist())
        writes.condition_check(
            MealBookingModel,
            b.canteen_id,
            _other_key(b),
            MealBookingModel.order_id.does_not_exist(),
        )
        writes.update(meal_months.item_of(b), actions=meal_months.adds(b))
    return writes.committed


def import_bookings(bookings: Iterable[MealBooking]) -> int:
    """Put each booking (a delivery as the day's order) and delete the elder's lunch of the
    day in the other mode, if any: the imported one replaces it."""
    checked = list(bookings)
    with storage_errors("import lunch bookings"), MealBookingModel.batch_write() as batch:
        for b in checked:
            batch.save(_item(b))
            batch.delete(MealBookingModel(b.canteen_id, _other_key(b)))
    for canteen_id, first in sorted({(b.canteen_id, b.day.replace(day=1)) for b in checked}):
        last = month_end(first)
        found = bookings_of(canteen_id, first, last)
        meal_months.replace_month(first, MonthTotals.of(canteen_id, found))
    return len(checked)


def all_bookings() -> list[MealBooking]:
    """Every booked lunch of every canteen and day (an export of the data set; a scan)."""
    found: list[MealBooking] = []
    with storage_errors("list lunch bookings"):
        for item in MealBookingModel.scan(MealBookingModel.mode.exists()):
            booking = _booking(item)
            if booking is not None:
                found.append(booking)
    return sorted(found, key=lambda b: (b.day, b.elder_id, b.canteen_id))


def _booking(item: MealBookingModel) -> MealBooking | None:
    if item.mode is None:
        return None
    day_text = item.order_id.removeprefix(DINE_IN).split(":", 1)[0]
    return MealBooking(
        elder_id=item.elder_id,
        **item.scope_ids(),
        canteen_id=item.canteen_id,
        day=date.fromisoformat(day_text),
        mode=MealMode(item.mode),
        meals=int(item.meals),
        subsidy_per_meal=int(item.subsidy_per_meal or 0),
        placed_by=item.placed_by or "",
        placed_at=datetime.fromisoformat(item.placed_at or ""),
        location=item.location(),
        window=optional_window(item.window_start, item.window_end),
    )


def find_booking(canteen_id: str, day: date, elder_id: str) -> MealBooking | None:
    for mode in MealMode:
        key = _key(mode, day, elder_id)
        item = find_item(MealBookingModel, canteen_id, key, action="read a lunch booking")
        if item is not None:
            return _booking(item)
    return None


def bookings_of(canteen_id: str, first: date, last: date) -> list[MealBooking]:
    """The canteen's booked lunches (both modes) from `first` to `last`."""
    found: list[MealBooking] = []
    with storage_errors("list a canteen's lunch bookings"):
        for prefix in ("", DINE_IN):
            since, until = f"{prefix}{first.isoformat()}", f"{prefix}{last.isoformat()}:~"
            query = MealBookingModel.order_id.between(since, until)
            for item in MealBookingModel.query(canteen_id, query):
                booking = _booking(item)
                if booking is not None:
                    found.append(booking)
    return sorted(found, key=lambda b: (b.day, b.elder_id))


class DynamoMealBookings:
    """The lunch bookings port on the meal orders table."""

    def book(self, booking: MealBooking) -> bool:
        return book(booking)

    def find_booking(self, canteen_id: str, day: date, elder_id: str) -> MealBooking | None:
        return find_booking(canteen_id, day, elder_id)

    def bookings_of(self, canteen_id: str, first: date, last: date) -> list[MealBooking]:
        return bookings_of(canteen_id, first, last)

    def month_totals(self, first: date) -> list[MonthTotals]:
        return meal_months.month_totals(first)

    def import_bookings(self, bookings: Iterable[MealBooking]) -> int:
        return import_bookings(bookings)
