"""The orders' import port, memory against DynamoDB: an imported order reads back with its
steps and its minutes served, replaces the stored order of its id with its steps (those
beyond its own gone), holds its free minutes by the difference to the stored one (so an
import repeated changes nothing), is listed in its district's history by id, and a placed
one waits for the dispatcher."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from careroute.domain.order_history import OrderHistory, StepTimes, order_history
from careroute.domain.orders import OrderAction, OrderStatus, Payment
from tests.contract.conftest import Backend
from tests.contract.order_backends import HomeServices, home_services_of
from tests.contract.test_order_ports import MONTH, MORNING, an_order

TAKEN = {"provider_id": "hp-D01-household", "worker_id": "hw-1"}
ASSIGNED, ACCEPTED = MORNING + timedelta(minutes=30), MORNING + timedelta(hours=1)
STARTED, ENDED = MORNING + timedelta(days=1), MORNING + timedelta(days=1, hours=2)


@pytest.fixture
def homes(backend: Backend) -> HomeServices:
    return home_services_of(backend)


def served(n: int, minutes: int = 120, payment: Payment = Payment.FREE) -> OrderHistory:
    """Order n of E0001 (cleaning, free) completed tomorrow, served for `minutes`."""
    order = replace(an_order(n, payment=payment), status=OrderStatus.COMPLETED,
                    served_minutes=minutes, **TAKEN)  # fmt: skip
    return order_history(order, StepTimes(ASSIGNED, ACCEPTED, STARTED, ENDED))


def test_an_imported_order_reads_back_with_its_steps_and_minutes_served(
    homes: HomeServices,
) -> None:
    history = served(1)
    assert homes.orders.import_orders([history]) == 1
    order, _ = homes.orders.get_order(history.order_id)
    assert order == history.order and order.delivered_minutes == 120
    assert homes.orders.events_of(history.order_id) == list(history.events)
    assert [e.action for e in history.events] == [
        OrderAction.PLACE, OrderAction.ASSIGN, OrderAction.ACCEPT, OrderAction.START,
        OrderAction.COMPLETE,
    ]  # fmt: skip
    assert list(homes.orders.histories_of_district("D01")) == [history]


def test_an_import_repeated_or_changed_holds_the_free_minutes_once(homes: HomeServices) -> None:
    homes.orders.import_orders([served(1), served(2, payment=Payment.SELF_PAID)])
    homes.orders.import_orders([served(1), served(2, payment=Payment.SELF_PAID)])
    assert homes.quota.used_minutes("E0001", MONTH) == 90  # cleaning's own minutes
    cancelled = order_history(
        replace(an_order(1), status=OrderStatus.CANCELLED), StepTimes(ended_at=ASSIGNED)
    )
    homes.orders.import_orders([cancelled])
    assert homes.quota.used_minutes("E0001", MONTH) == 0
    assert homes.orders.events_of(cancelled.order_id) == list(cancelled.events)
    order, _ = homes.orders.get_order(cancelled.order_id)
    assert (order.status, order.version, order.provider_id) == (OrderStatus.CANCELLED, 2, "")


def test_an_imported_placed_order_waits_for_the_dispatcher(homes: HomeServices) -> None:
    waiting = order_history(an_order(3), StepTimes())
    homes.orders.import_orders([waiting, served(4)])
    later = MORNING + timedelta(hours=3)
    assert [o.order_id for o in homes.orders.waiting_since(later)] == [waiting.order_id]
