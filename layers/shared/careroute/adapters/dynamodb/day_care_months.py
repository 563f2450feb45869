"""Each day-care centre's month, kept in the day care table next to its bookings: one item
per centre and month (`month#YYYY-MM`) with the place-days booked per kind and the bookings
holding a day of it (a set of "elder id|booking id"), moved in the transaction that books or
cancels, and recounted with the places after an import, so a city's month of day care is a
batch read of one item per centre instead of a query of every centre's bookings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.expressions.update import Action

from careroute.adapters.dynamodb.columns import month_key
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, write_all
from careroute.domain.day_care import CareKind, DayCareBooking
from careroute.service_layer.ports.day_care import CentreTotals, months_held


class DayCareMonthModel(TableModel):
    centre_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)
    day_booked = NumberAttribute(default=0)
    respite_booked = NumberAttribute(default=0)
    held = UnicodeSetAttribute(null=True)


def _member(booking: DayCareBooking) -> str:
    return f"{booking.elder_id}|{booking.booking_id}"


def moves(booking: DayCareBooking, sign: int) -> list[tuple[DayCareMonthModel, list[Action]]]:
    """The updates booking (sign 1) or cancelling (sign -1) makes to each month it holds."""
    booked = (
        DayCareMonthModel.day_booked
        if booking.kind is CareKind.DAY_CARE
        else DayCareMonthModel.respite_booked
    )
    member = {_member(booking)}
    held = DayCareMonthModel.held
    return [
        (
            DayCareMonthModel(booking.centre_id, month_key(first)),
            [booked.add(sign * days), held.add(member) if sign > 0 else held.delete(member)],
        )
        for first, days in sorted(months_held(booking).items())
    ]


def replace_months(
    centre_id: str, bookings: Iterable[DayCareBooking], stale: Iterable[str]
) -> None:
    """Put the centre's months recounted from its stored bookings; the month items in
    `stale` (keys) that no booking holds any more are put empty."""
    held = list(bookings)
    months = sorted({first for b in held for first in months_held(b)})
    recounted = {month_key(m): CentreTotals.of(centre_id, held, m) for m in months}
    empty = CentreTotals(centre_id, 0, 0, frozenset())
    items = (
        _month_item(key, recounted.get(key) or empty) for key in sorted(set(stale) | set(recounted))
    )
    write_all(DayCareMonthModel, items, "recount a centre's months")


def _month_item(key: str, t: CentreTotals) -> DayCareMonthModel:
    return DayCareMonthModel(
        t.centre_id, key, day_booked=t.day_places_booked, respite_booked=t.respite_nights_booked,
        held={f"{elder}|{booking}" for elder, booking in t.held} or None,
    )  # fmt: skip


def month_totals(centre_ids: Iterable[str], first: date) -> dict[str, CentreTotals]:
    """The month's totals of those centres (a centre never booked that month is absent)."""
    keys = [(c, month_key(first)) for c in sorted(set(centre_ids))]
    with storage_errors("read the centres' month"):
        items = list(DayCareMonthModel.batch_get(keys))
    return {
        item.centre_id: CentreTotals(
            item.centre_id,
            int(item.day_booked),
            int(item.respite_booked),
            frozenset(tuple(m.split("|", 1)) for m in item.held or ()),  # type: ignore[misc]
        )
        for item in items
    }
