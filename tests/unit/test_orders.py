"""Home-service orders: the lifecycle state machine and inserting an order into a provider's
day with the real fleet router (pinned orders keep their worker)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from careroute.domain.orders import (
    TRANSITIONS,
    WINDOW_PASSED,
    IllegalTransition,
    OrderAction,
    OrderStatus,
    Payment,
    ServiceType,
    advance,
    assign,
    expire,
    latest_start,
    order_id,
    placed_event,
    refund_minutes,
    window_passed,
)
from careroute.domain.providers import ServiceWorker
from careroute.domain.vocabulary import CHINA_TZ, TimeWindow
from careroute.planning.dispatch import build_problem, insert_order
from careroute.planning.travel import HaversineTravel
from careroute.routing.fleet_router import solve_fleet
from careroute.routing.fleet_validator import validate_fleet
from careroute.routing.model import SolveLimits
from tests.builders import BASE, an_order

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
BIKE = HaversineTravel(12.0)
SMALL_DAY = SolveLimits(time_limit_ms=200)
"""A provider's day of a few orders is solved well before the dispatcher's 500 ms."""


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


def test_completed_cancelled_rejected_and_expired_orders_take_no_further_step() -> None:
    for status in (
        OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.EXPIRED
    ):  # fmt: skip
        assert not any(s is status for s, _ in TRANSITIONS)


def test_only_a_placed_order_expires_with_the_reason_recorded_by_the_dispatcher() -> None:
    order, event = expire(an_order(), AT)
    assert (order.status, order.version, order.dispatch_note) == (
        OrderStatus.EXPIRED, 2, WINDOW_PASSED
    )  # fmt: skip
    assert (event.action, event.status, event.by, event.note, event.seq) == (
        OrderAction.EXPIRE, OrderStatus.EXPIRED, "dispatcher", WINDOW_PASSED, 2
    )  # fmt: skip
    assigned, _ = assign(an_order(), "hp-1", "hw-1", AT)
    with pytest.raises(IllegalTransition, match="cannot expire an order that is assigned"):
        expire(assigned, AT)


def test_the_window_passes_when_the_latest_start_that_still_ends_in_it_is_before_now() -> None:
    order = an_order(window=TimeWindow.parse("08:00", "12:00"))  # 90 min cleaning, 2 Dec
    last = datetime(2026, 12, 2, 10, 30, tzinfo=CHINA_TZ)
    assert latest_start(order) == last
    assert not window_passed(order, last)
    assert window_passed(order, last + timedelta(seconds=1))
    assert window_passed(order, last.astimezone(UTC) + timedelta(minutes=1))  # any time zone
    assert not window_passed(order, datetime(2026, 12, 1, 23, 0, tzinfo=CHINA_TZ))


@pytest.mark.parametrize(
    ("action", "refunded"),
    [(OrderAction.EXPIRE, 90), (OrderAction.CANCEL, 90), (OrderAction.ASSIGN, 0)],
)
def test_a_free_order_ending_unserved_gives_its_minutes_back(
    action: OrderAction, refunded: int
) -> None:
    order = an_order()
    after, _ = advance(order, action, AT, "x")
    assert refund_minutes(order, after) == refunded
    paid = an_order(payment=Payment.SELF_PAID)
    assert refund_minutes(paid, advance(paid, action, AT, "x")[0]) == 0
    rejected, _ = advance(assign(order, "hp-1", "hw-1", AT)[0], OrderAction.REJECT, AT, "x")
    assert refund_minutes(order, rejected) == 90


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
    inserted = insert_order(BASE, WORKERS, [], meal, BIKE, SMALL_DAY)
    assert inserted.worker_id == "hw-cook"
    assert [o for o, _ in inserted.routes["hw-cook"]] == ["or-1"]


def test_booked_orders_stay_with_their_worker_when_a_new_order_is_inserted() -> None:
    booked = [
        replace(an_order(n), status=OrderStatus.ASSIGNED, worker_id="hw-cook") for n in (1, 2)
    ]
    inserted = insert_order(BASE, WORKERS, booked, an_order(3), BIKE, SMALL_DAY)
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
        BASE, one, booked, an_order(2, ServiceType.ESCORT, window=morning), BIKE, SMALL_DAY
    )
    assert inserted.worker_id is None
    assert inserted.reason.startswith("no skilled worker can fit it")
    assert [o for o, _ in inserted.routes["hw-1"]] == ["or-1"]


def test_the_dispatch_problem_pins_booked_orders_and_validates() -> None:
    booked = [replace(an_order(1), worker_id="hw-clean")]
    problem = build_problem(BASE, WORKERS, booked, an_order(2), BIKE)
    assert "pin:hw-clean" in problem.stops[0].skills and problem.stops[0].mandatory
    assert not problem.stops[1].mandatory
    result = solve_fleet(problem, SMALL_DAY)
    assert validate_fleet(problem, result) == []
