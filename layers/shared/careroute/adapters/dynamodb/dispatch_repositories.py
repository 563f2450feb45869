"""The dispatcher's ports on DynamoDB, built once per container.

Apart from `order_repositories` because the dispatcher's use case imports the fleet router:
the functions without the OR-Tools layer (the orders and incidents APIs) build their ports
there and never import it.
"""

from __future__ import annotations

from careroute.adapters.dynamodb.order_repositories import ORDER_PORTS
from careroute.adapters.wiring import wired
from careroute.service_layer.dispatch import OrderDispatch


def order_dispatch() -> OrderDispatch:
    """The ports of the dispatcher, on DynamoDB."""
    return wired(OrderDispatch, ORDER_PORTS)
