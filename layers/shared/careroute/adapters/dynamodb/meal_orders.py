"""Meal orders table: the lunch orders a canteen delivers, keyed by (`canteen_id`,
`order_id`) where the order id is "{day}:{elder id}" (one order per elder per day). A
canteen's orders for a day are one Query: `canteen_id` = K and `order_id` begins with
"{day}:", in elder id order. Storing an order again replaces it. Items expire ~400 days
after their day (TTL), as the day's meal routes do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.columns import Expiring, Located, expiry_of_day
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.adapters.dynamodb.tables import starting_with, write_all
from careroute.planning.meals import MealOrder


class MealOrderColumns(Located, Expiring):
    """What every item of the table has, a canteen day's order here or a lunch booking
    (meal_bookings.py): its keys, the elder, the meals, where they are handed over (the
    elder's home) and when the item expires."""

    canteen_id = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute(range_key=True)
    """"{day}:{elder id}" (a dine-in booking: "dine:{day}:{elder id}")."""
    elder_id = UnicodeAttribute()
    meals = NumberAttribute()


MEAL_ORDER_COLUMNS = FieldColumns(MealOrder)


class MealOrderModel(MappedModel, MealOrderColumns, stores=MEAL_ORDER_COLUMNS):
    """A canteen day's order, windowed when the elder wants the meals."""


def _day_prefix(day: date) -> str:
    return f"{day.isoformat()}:"


def _item(day: date, order: MealOrder) -> MealOrderModel:
    if order.order_id != f"{_day_prefix(day)}{order.elder_id}":
        raise ValueError(f"order {order.order_id!r}: the id of an order for {day} is '{day}:ELDER'")
    return MealOrderModel(**MEAL_ORDER_COLUMNS.values(order), expires_at=expiry_of_day(day))


def save_orders(day: date, orders: Iterable[MealOrder]) -> int:
    """Store (or replace) lunch orders for `day`; the count written. Raises ValueError, before
    writing anything, for an order whose id is not "{day}:{elder id}"."""
    items = [_item(day, order) for order in orders]
    return write_all(MealOrderModel, items, "save meal orders")


def all_orders() -> list[MealOrder]:
    """Every stored lunch order of every day, by id (an export of the data set; a scan)."""
    with storage_errors("list meal orders"):
        # neither a dine-in booking (meal_bookings.py, "dine:..." ids) nor a canteen's month
        # totals (meal_months.py, "month#..." keys) is a delivery order
        found = [
            _order(i)
            for i in MealOrderModel.scan()
            if not i.order_id.startswith("dine:") and not i.canteen_id.startswith("month#")
        ]
    return sorted(found, key=lambda o: (o.order_id, o.canteen_id))


def orders_of(canteen_id: str, day: date) -> tuple[MealOrder, ...]:
    """The canteen's lunch orders for `day`, by elder id (none: an empty tuple)."""
    action = "read a canteen's meal orders"
    items = starting_with(MealOrderModel, canteen_id, _day_prefix(day), action)
    return tuple(_order(item) for item in items)


def _order(item: MealOrderModel) -> MealOrder:
    return MEAL_ORDER_COLUMNS.read(item)
