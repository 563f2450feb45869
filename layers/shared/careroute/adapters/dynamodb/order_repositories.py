"""The home-service ports on DynamoDB: the orders and home-services tables, whose modules
serve the orders, providers, day plans and quota ports themselves, and the ports of the
order, urgent-responder and incident use cases built from them (with the incidents and
devices tables, whose modules serve their ports too, and the registry's adapters), once per
container; the dispatcher's are built in `dispatch_repositories`.

The tables must be bound first (`careroute.adapters.dynamodb.bind_tables`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from careroute.adapters.dynamodb import devices, home_services, incidents, orders
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import Adapters, wired
from careroute.service_layer.orders import OrderTaking

if TYPE_CHECKING:
    # Imported by their factories below: the orders' functions load neither urgent use case.
    from careroute.service_layer.incident_ports import IncidentHandling
    from careroute.service_layer.responding import Responding


def responding() -> Responding:
    """The ports of finding an urgent responder and changing their day, on DynamoDB (the
    directory read from them is kept a container minute)."""
    from careroute.service_layer.responding import Responding

    return wired(Responding, ORDER_PORTS)


ORDER_PORTS: Adapters = {
    **PORTS,
    # the orders', home services', incidents' and devices' table modules: their functions
    # are the ports' methods
    "orders": lambda: orders,
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
