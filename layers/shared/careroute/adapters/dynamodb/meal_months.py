"""Each canteen's month of booked lunches, kept in the meal orders table next to the
bookings: one item per month and canteen (`month#YYYY-MM`, canteen id) counting bookings,
meals by mode, the subsidy and the elders (a set), moved in the same transaction that books
a lunch, so a city's month of subsidies is one query of ~300 items instead of two queries
per canteen. An import, which writes in batches, recounts the months it touched."""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.expressions.update import Action

from careroute.adapters.dynamodb.columns import Expiring, expiry_of_day, month_key
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel
from careroute.domain.due import month_end
from careroute.domain.meals import MealBooking, MealMode
from careroute.service_layer.ports.meal_bookings import MonthTotals


class MealMonthModel(TableModel, Expiring):
    month_key = UnicodeAttribute(hash_key=True, attr_name="canteen_id")
    """`month#YYYY-MM`: no canteen's id, so no order or booking query meets it."""
    canteen = UnicodeAttribute(range_key=True, attr_name="order_id")
    bookings = NumberAttribute(default=0)
    meals_delivered = NumberAttribute(default=0)
    meals_dine_in = NumberAttribute(default=0)
    subsidy_yuan = NumberAttribute(default=0)
    elders = UnicodeSetAttribute(null=True)


def item_of(booking: MealBooking) -> MealMonthModel:
    """The (unread) item of the booking's canteen and month, to update."""
    return MealMonthModel(month_key(booking.day), booking.canteen_id)


def adds(booking: MealBooking) -> list[Action]:
    """What one new booking adds to its canteen's month (the elder: once, a set)."""
    delivered = booking.mode is MealMode.DELIVERY
    meals = MealMonthModel.meals_delivered if delivered else MealMonthModel.meals_dine_in
    return [
        MealMonthModel.bookings.add(1),
        meals.add(booking.meals),
        MealMonthModel.subsidy_yuan.add(booking.subsidy_yuan),
        MealMonthModel.elders.add({booking.elder_id}),
        MealMonthModel.expires_at.set(expiry_of_day(month_end(booking.day))),
    ]


def replace_month(first: date, totals: MonthTotals) -> None:
    """Overwrite a canteen's month with totals recounted from its bookings."""
    with storage_errors("recount a canteen's month of lunches"):
        MealMonthModel(
            month_key(first), totals.canteen_id, bookings=totals.bookings,
            meals_delivered=totals.meals_delivered, meals_dine_in=totals.meals_dine_in,
            subsidy_yuan=totals.subsidy_yuan, elders=set(totals.elders) or None,
            expires_at=expiry_of_day(month_end(first)),
        ).save()  # fmt: skip


def month_totals(first: date) -> list[MonthTotals]:
    """Every canteen's totals of the month beginning `first` that has a booking, by id."""
    with storage_errors("read the canteens' month of lunches"):
        items = list(MealMonthModel.query(month_key(first)))
    return [
        MonthTotals(
            canteen_id=item.canteen,
            bookings=int(item.bookings),
            meals_delivered=int(item.meals_delivered),
            meals_dine_in=int(item.meals_dine_in),
            subsidy_yuan=int(item.subsidy_yuan),
            elders=frozenset(item.elders or ()),
        )
        for item in sorted(items, key=lambda i: i.canteen)
        if item.bookings
    ]
