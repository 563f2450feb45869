"""Home-service orders: the lifecycle state machine and inserting an order into a provider's
day with the real fleet router (pinned orders keep their worker)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from careroute.dispatch import build_problem, insert_order
from careroute.domain import GeoPoint, TimeWindow
from careroute.orders import (
    TRANSITIONS,
    IllegalTransition,
    Order,
    OrderAction,
    OrderStatus,
    Payment,
    ServiceType,
    advance,
    assign,
    order_id,
    placed_event,
)
from careroute.routing.fleet_router import solve_fleet
from careroute.routing.fleet_validator import validate_fleet
from careroute.routing.model import SolveLimits
from careroute.synthetic_services import ServiceWorker
from careroute.travel import HaversineTravel

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
BASE = GeoPoint(41.79, 123.40)
BIKE = HaversineTravel(12.0)


def an_order(n: int = 1, service: ServiceType = ServiceType.CLEANING, **kw: object) -> Order:
    fields: dict[str, object] = {
        "order_id": f"or-{n}",
        "elder_id": f"e-{n}",
        "community_id": "c-1",
        "street_id": "s-1",
        "district_id": "D01",
        "service": service,
        "service_date": date(2026, 12, 2),
        "window": TimeWindow.parse("08:00", "18:00"),
        "location": GeoPoint(41.79 + n * 0.002, 123.40 + n * 0.001),
        "placed_at": AT,
        "placed_by": "family-1",
        "payment": Payment.FREE,
    }
    fields.update(kw)
    return Order(**fields)  # type: ignore[arg-type]


def test_an_order_walks_placed_assigned_accepted_started_completed_with_one_event_each() -> None:
    order = an_order()
    assert placed_event(order).seq == 1
    order, event = assign(order, "hp-1", "hw-1", AT)
    assert (order.status, order.worker_id, event.seq, event.by) == (
        OrderStatus.ASSIGNED, "hw-1", 2, "dispatcher"
    )  # fmt: skip
    for action, status in [
        (OrderAction.ACCEPT, OrderStatus.ACCEPTED),
        (OrderAction.START, OrderStatus.STARTED),
        (OrderAction.COMPLETE, OrderStatus.COMPLETED),
    ]:
        order, event = advance(order, action, AT, "worker-sub")
        assert (order.status, event.status, event.action) == (status, status, action)
    assert order.version == 5


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("action", [a for a in OrderAction if a is not OrderAction.PLACE])
def test_every_move_not_in_the_table_is_an_illegal_transition_naming_action_and_status(
    status: OrderStatus, action: OrderAction
) -> None:
    order = replace(an_order(), status=status)
    if (status, action) in TRANSITIONS:
        assert advance(order, action, AT, "x")[0].status is TRANSITIONS[(status, action)]
    else:
        with pytest.raises(IllegalTransition, match=f"cannot {action.value} an order that is"):
            advance(order, action, AT, "x")


def test_completed_cancelled_and_rejected_orders_take_no_further_step() -> None:
    for status in (OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.REJECTED):
        assert not any(s is status for s, _ in TRANSITIONS)


def test_a_window_shorter_than_the_service_is_refused_naming_the_window() -> None:
    with pytest.raises(ValueError, match="window: 09:00-10:00 is shorter than the 90 minutes"):
        an_order(window=TimeWindow.parse("09:00", "10:00"))


def test_the_order_id_depends_on_caller_and_key_only() -> None:
    assert order_id("a", "key-1") == order_id("a", "key-1")
    assert len({order_id("a", "key-1"), order_id("b", "key-1"), order_id("a", "key-2")}) == 3


def test_self_paid_orders_charge_no_free_minutes() -> None:
    assert an_order().quota_minutes == 90
    assert an_order(payment=Payment.SELF_PAID).quota_minutes == 0


WORKERS = [
    ServiceWorker("hw-clean", "hp-1", frozenset({"cleaning"})),
    ServiceWorker("hw-cook", "hp-1", frozenset({"cooking", "cleaning"})),
]


def test_a_new_order_goes_to_a_worker_with_the_skill() -> None:
    meal = an_order(1, ServiceType.MEAL)
    inserted = insert_order(BASE, WORKERS, [], meal, BIKE)
    assert inserted.worker_id == "hw-cook"
    assert [o for o, _ in inserted.routes["hw-cook"]] == ["or-1"]


def test_booked_orders_stay_with_their_worker_when_a_new_order_is_inserted() -> None:
    booked = [
        replace(an_order(n), status=OrderStatus.ASSIGNED, worker_id="hw-cook") for n in (1, 2)
    ]
    inserted = insert_order(BASE, WORKERS, booked, an_order(3), BIKE)
    assert {o for o, _ in inserted.routes["hw-cook"]} >= {"or-1", "or-2"}
    assert inserted.worker_id is not None


def test_an_order_nobody_is_skilled_for_is_not_placed_and_says_why() -> None:
    inserted = insert_order(BASE, WORKERS, [], an_order(1, ServiceType.BATHING), BIKE)
    assert inserted.worker_id is None
    assert "bathing" in inserted.reason


def test_a_full_day_leaves_the_new_order_waiting_with_the_reason() -> None:
    one = [ServiceWorker("hw-1", "hp-1", frozenset({"escort"}))]
    morning = TimeWindow.parse("08:00", "12:00")
    booked = [replace(an_order(1, ServiceType.ESCORT, window=morning), worker_id="hw-1")]
    inserted = insert_order(
        BASE, one, booked, an_order(2, ServiceType.ESCORT, window=morning), BIKE
    )
    assert inserted.worker_id is None
    assert inserted.reason.startswith("no skilled worker can fit it")
    assert [o for o, _ in inserted.routes["hw-1"]] == ["or-1"]


def test_the_dispatch_problem_pins_booked_orders_and_validates() -> None:
    booked = [replace(an_order(1), worker_id="hw-clean")]
    problem = build_problem(BASE, WORKERS, booked, an_order(2), BIKE)
    assert "pin:hw-clean" in problem.stops[0].skills and problem.stops[0].mandatory
    assert not problem.stops[1].mandatory
    result = solve_fleet(problem, SolveLimits(300))
    assert validate_fleet(problem, result) == []
