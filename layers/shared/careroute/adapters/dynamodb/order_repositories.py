"""The home-service ports on DynamoDB: a class over the orders table, the home-services
table (whose module serves the providers, day plans and quota ports itself), and the ports of
the order, urgent-responder and incident use cases built from them (with the incidents and
devices tables, whose modules serve their ports themselves too, and the registry's adapters),
once per container; the dispatcher's are built in `dispatch_repositories`.

The tables must be bound first (`careroute.adapters.dynamodb.bind_tables`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from careroute.adapters.dynamodb import devices, home_services, incidents, orders
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import Adapters, wired
from careroute.domain.order_history import OrderHistory
from careroute.domain.orders import Order, OrderEvent
from careroute.planning.provider_day import DayPlan
from careroute.service_layer.orders import OrderTaking
from careroute.service_layer.ports import Placement

if TYPE_CHECKING:
    # Imported by their factories below: the orders' functions load neither urgent use case.
    from careroute.service_layer.incident_ports import IncidentHandling
    from careroute.service_layer.responding import Responding


class DynamoOrders:
    def place(
        self, order: Order, event: OrderEvent, request_hash: str, allowance: int
    ) -> Placement:
        return orders.place(order, event, request_hash, allowance)

    def get_order(self, order_id: str) -> tuple[Order, str]:
        return orders.get_order(order_id)

    def get_orders(self, order_ids: list[str]) -> list[Order]:
        return orders.get_orders(order_ids)

    def save_step(self, before: Order, after: Order, event: OrderEvent, refund: int = 0) -> bool:
        return orders.save_step(before, after, event, refund)

    def save_assignment(
        self, before: Order, after: Order, event: OrderEvent, plan: DayPlan
    ) -> bool:
        return orders.save_assignment(before, after, event, plan)

    def note_waiting(self, order: Order, note: str) -> bool:
        return orders.note_waiting(order, note)

    def events_of(self, order_id: str) -> list[OrderEvent]:
        return orders.events_of(order_id)

    def of_worker(self, worker_id: str, day: date) -> list[Order]:
        return orders.of_worker(worker_id, day)

    def of_district(self, district_id: str, since: datetime, until: datetime) -> Iterator[Order]:
        return orders.of_district(district_id, since, until)

    def waiting_since(self, before: datetime) -> Iterator[Order]:
        return orders.waiting_since(before)

    def import_orders(self, histories: Iterable[OrderHistory]) -> int:
        count = 0
        for history in histories:
            orders.import_history(history)
            count += 1
        return count

    def histories_of_district(self, district_id: str) -> Iterator[OrderHistory]:
        for order in sorted(orders.all_of_district(district_id), key=lambda o: o.order_id):
            yield OrderHistory(order, tuple(orders.events_of(order.order_id)))


def responding() -> Responding:
    """The ports of finding an urgent responder and changing their day, on DynamoDB (the
    directory read from them is kept a container minute)."""
    from careroute.service_layer.responding import Responding

    return wired(Responding, ORDER_PORTS)


ORDER_PORTS: Adapters = {
    **PORTS,
    "orders": DynamoOrders,
    # the home services', incidents' and devices' table modules: their functions are the
    # ports' methods
    "providers": lambda: home_services,
    "plans": lambda: home_services,
    "quota": lambda: home_services,
    "incidents": lambda: incidents,
    "devices": lambda: devices,
    "responding": responding,
}
"""The registry's adapters and the home services' and urgent incidents', by port name."""


def order_taking() -> OrderTaking:
    """The ports of placing, stepping, reading and overseeing orders, on DynamoDB."""
    return wired(OrderTaking, ORDER_PORTS)


def incident_handling() -> IncidentHandling:
    """The ports of receiving urgent events, dispatching and tracking incidents, on DynamoDB."""
    from careroute.service_layer.incident_ports import IncidentHandling

    return wired(IncidentHandling, ORDER_PORTS)
