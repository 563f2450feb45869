"""The meal ports in memory: canteens, lunch orders, each canteen day's routes and the
meal-job queue, with the behaviour of the DynamoDB adapters (`tests/contract/` checks both).
Stored plan documents go through JSON, as DynamoDB's do."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from careroute.adapters.memory_jobs import MemoryJobs
from careroute.adapters.memory_store import ReplacedWhole
from careroute.messages.meals import MealPlanJob
from careroute.planning.meals import Canteen, MealOrder
from careroute.service_layer.ports import CanteenDayRoutes


class MemoryCanteens(ReplacedWhole[Canteen]):
    def __init__(self) -> None:
        super().__init__(lambda c: c.canteen_id)

    replace_canteens = ReplacedWhole.replace_whole
    all_canteens = ReplacedWhole.in_id_order


class MemoryMealOrders:
    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], MealOrder] = {}
        self._days: dict[tuple[str, date], set[str]] = {}
        """Order ids by canteen and day: a day's orders are read without
        walking every order ever stored (a simulated month books lunches daily)."""

    def save_orders(self, day: date, orders: Iterable[MealOrder]) -> int:
        checked = list(orders)
        for order in checked:
            if order.order_id != f"{day.isoformat()}:{order.elder_id}":
                raise ValueError(
                    f"order {order.order_id!r}: the id of an order for {day} is '{day}:ELDER'"
                )
        for order in checked:
            self._by_key[(order.canteen_id, order.order_id)] = order
            self._days.setdefault((order.canteen_id, day), set()).add(order.order_id)
        return len(checked)

    def remove_order(self, canteen_id: str, day: date, order_id: str) -> None:
        """Drop the order if there is one (a lunch imported as dine-in replaces it)."""
        if self._by_key.pop((canteen_id, order_id), None) is not None:
            self._days[(canteen_id, day)].discard(order_id)

    def has_order(self, canteen_id: str, order_id: str) -> bool:
        """Is there an order with this id at the canteen (one lookup, no listing)?"""
        return (canteen_id, order_id) in self._by_key

    def orders_of(self, canteen_id: str, day: date) -> tuple[MealOrder, ...]:
        ids = sorted(self._days.get((canteen_id, day), ()))
        return tuple(self._by_key[(canteen_id, order_id)] for order_id in ids)


class MemoryMealRoutes:
    def __init__(self) -> None:
        self._by_day: dict[tuple[str, date], tuple[CanteenDayRoutes, str]] = {}

    def save_canteen_day(self, routes: CanteenDayRoutes, planned_at: datetime) -> None:
        document = json.dumps(routes.document, ensure_ascii=False)
        self._by_day[(routes.canteen_id, routes.day)] = (routes, document)

    def find_canteen_day(self, canteen_id: str, day: date) -> CanteenDayRoutes | None:
        found = self._by_day.get((canteen_id, day))
        if found is None:
            return None
        routes, document = found
        return replace(routes, document=json.loads(document))


class MemoryMealJobs(MemoryJobs[MealPlanJob]):
    """The queue of canteen days."""

    def __init__(self) -> None:
        super().__init__(MealPlanJob)
