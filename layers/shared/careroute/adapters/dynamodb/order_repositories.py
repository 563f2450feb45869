"""The home-service ports on DynamoDB: thin classes over the orders and home-services tables,
and the ports of the order, urgent-responder and incident use cases built from them (with the
incidents' and the registry's adapters), once per container; the dispatcher's are built in
`dispatch_repositories`.

The tables must be bound first (`careroute.adapters.dynamodb.bind_tables`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from careroute.adapters.dynamodb import home_services, orders
from careroute.adapters.dynamodb.incident_repositories import DynamoDevices, DynamoIncidents
from careroute.adapters.dynamodb.repositories import (
    DynamoCommunities,
    DynamoElders,
    DynamoRoutes,
    DynamoScopes,
    DynamoStewards,
    holidays_in_force,
)
from careroute.domain.order_history import OrderHistory
from careroute.service_layer.orders import OrderTaking

if TYPE_CHECKING:
    # Imported by their factories below: the orders' functions load neither urgent use case.
    from careroute.service_layer.incidents import IncidentHandling
    from careroute.service_layer.responders import Responding


class DynamoOrders:
    place = staticmethod(orders.place)
    get_order = staticmethod(orders.get_order)
    get_orders = staticmethod(orders.get_orders)
    save_step = staticmethod(orders.save_step)
    save_assignment = staticmethod(orders.save_assignment)
    note_waiting = staticmethod(orders.note_waiting)
    events_of = staticmethod(orders.events_of)
    of_worker = staticmethod(orders.of_worker)
    of_district = staticmethod(orders.of_district)
    waiting_since = staticmethod(orders.waiting_since)

    def import_orders(self, histories: Iterable[OrderHistory]) -> int:
        count = 0
        for history in histories:
            orders.import_history(history)
            count += 1
        return count

    def histories_of_district(self, district_id: str) -> Iterator[OrderHistory]:
        for order in sorted(orders.all_of_district(district_id), key=lambda o: o.order_id):
            yield OrderHistory(order, tuple(orders.events_of(order.order_id)))


class DynamoProviders:
    save_market = staticmethod(home_services.save_market)
    providers_of = staticmethod(home_services.providers_of)
    workers_of = staticmethod(home_services.workers_of)
    is_pilot = staticmethod(home_services.is_pilot)


class DynamoDayPlans:
    get_plan = staticmethod(home_services.get_plan)
    replace_plan = staticmethod(home_services.replace_plan)


class DynamoQuota:
    used_minutes = staticmethod(home_services.used_minutes)
    used_by = staticmethod(home_services.used_by)


def order_taking() -> OrderTaking:
    """The ports of placing, stepping, reading and overseeing orders, on DynamoDB."""
    return OrderTaking(
        orders=DynamoOrders(),
        providers=DynamoProviders(),
        plans=DynamoDayPlans(),
        quota=DynamoQuota(),
        incidents=DynamoIncidents(),
        communities=DynamoCommunities(),
        stewards=DynamoStewards(),
        elders=DynamoElders(),
        scopes=DynamoScopes(),
    )


def responding() -> Responding:
    """The ports of finding an urgent responder and changing their day, on DynamoDB (the
    directory read from them is kept a container minute)."""
    from careroute.service_layer.responders import Responding

    return Responding(
        communities=DynamoCommunities(),
        stewards=DynamoStewards(),
        holidays=holidays_in_force(),
        providers=DynamoProviders(),
        plans=DynamoDayPlans(),
        orders=DynamoOrders(),
        routes=DynamoRoutes(),
    )


def incident_handling() -> IncidentHandling:
    """The ports of receiving urgent events, dispatching and tracking incidents, on DynamoDB."""
    from careroute.service_layer.incidents import IncidentHandling

    return IncidentHandling(
        incidents=DynamoIncidents(),
        devices=DynamoDevices(),
        elders=DynamoElders(),
        stewards=DynamoStewards(),
        scopes=DynamoScopes(),
        responding=responding(),
    )
