"""An order with its recorded steps, as an import brings it in from another system and an
export writes it out: the order and the time each step of its life was reached (placed,
assigned, accepted, started, and the end: completed, cancelled, rejected or expired).

Pure: no AWS. The steps are rebuilt as the `OrderEvent`s the API's own steps record (who
took each: the orderer placed and cancelled it, the dispatcher assigned and expired it, the
worker accepted, started, completed or rejected it), so oversight reads an imported order
like any other, and the order's version is its number of steps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from careroute.domain.orders import (
    DISPATCHER,
    REFUNDED,
    WINDOW_PASSED,
    Order,
    OrderAction,
    OrderEvent,
    OrderStatus,
    next_status,
    placed_event,
)
from careroute.domain.quota import month_of

END_ACTIONS = {
    OrderStatus.COMPLETED: OrderAction.COMPLETE,
    OrderStatus.CANCELLED: OrderAction.CANCEL,
    OrderStatus.REJECTED: OrderAction.REJECT,
    OrderStatus.EXPIRED: OrderAction.EXPIRE,
}
"""The step that ends an order in each final status."""


@dataclass(frozen=True)
class StepTimes:
    """When an order reached each step after it was placed (None: not reached)."""

    assigned_at: datetime | None = None
    accepted_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    """When it reached its final status (completed, cancelled, rejected, expired)."""


@dataclass(frozen=True)
class OrderHistory:
    """An order and every step recorded for it, oldest first."""

    order: Order
    events: tuple[OrderEvent, ...]

    @property
    def order_id(self) -> str:
        return self.order.order_id

    @property
    def times(self) -> StepTimes:
        """The time of each step the events record (the first of each kind)."""
        at: dict[OrderAction, datetime] = {}
        for event in self.events:
            at.setdefault(event.action, event.at)
        ended = [at[action] for action in END_ACTIONS.values() if action in at]
        return StepTimes(
            at.get(OrderAction.ASSIGN),
            at.get(OrderAction.ACCEPT),
            at.get(OrderAction.START),
            ended[0] if ended else None,
        )


def order_history(order: Order, times: StepTimes) -> OrderHistory:
    """The placed `order` taken through the steps `times` records to its status (its
    version their number, its assignment time the step's; an expired one noted as the
    dispatcher notes it). ValueError
    (IllegalTransition among them) when the steps do not lead to the status."""
    steps: list[tuple[OrderAction, datetime, str, str]] = []
    if times.assigned_at is not None:
        steps.append((OrderAction.ASSIGN, times.assigned_at, DISPATCHER, order.worker_id))
    if times.accepted_at is not None:
        steps.append((OrderAction.ACCEPT, times.accepted_at, order.worker_id, ""))
    if times.started_at is not None:
        steps.append((OrderAction.START, times.started_at, order.worker_id, ""))
    if times.ended_at is not None and order.status in END_ACTIONS:
        steps.append(_end(order, times.ended_at))
    events = [placed_event(order)]
    status = OrderStatus.PLACED
    for action, at, by, note in steps:
        status = next_status(status, action)
        events.append(OrderEvent(order.order_id, len(events) + 1, action, status, at, by, note))
    if status is not order.status:
        raise ValueError(f"the steps given lead to {status.value}, not {order.status.value}")
    note = WINDOW_PASSED if status is OrderStatus.EXPIRED else order.dispatch_note
    after = replace(order, version=len(events), assigned_at=times.assigned_at, dispatch_note=note)
    return OrderHistory(after, tuple(events))


def _end(order: Order, at: datetime) -> tuple[OrderAction, datetime, str, str]:
    action = END_ACTIONS[order.status]
    if action is OrderAction.CANCEL:
        return action, at, order.placed_by, ""
    if action is OrderAction.EXPIRE:
        return action, at, DISPATCHER, WINDOW_PASSED
    return action, at, order.worker_id, ""


def free_minutes_held(order: Order | None) -> int:
    """The free minutes an order holds of its elder's month: none once it ended unserved."""
    if order is None or order.status in REFUNDED:
        return 0
    return order.quota_minutes


def quota_changes(before: Order | None, after: Order) -> dict[tuple[str, str], int]:
    """(elder id, month) -> the free minutes to add to that month's use when `after`
    replaces `before` (None: a new order); only the months whose use changes."""
    changes: dict[tuple[str, str], int] = {}
    if before is not None:
        key = (before.elder_id, month_of(before.service_date))
        changes[key] = -free_minutes_held(before)
    key = (after.elder_id, month_of(after.service_date))
    changes[key] = changes.get(key, 0) + free_minutes_held(after)
    return {key: minutes for key, minutes in changes.items() if minutes}
