"""Orders table (one item per home-service order) and order-events table (append-only: one
item per step, who/what/when, for oversight).

Every write that changes an order is one transaction with the event it records, conditional
on the status and version read, so a step is never half-written and a repeated step changes
nothing:
- place: put order (id must be new) + put event 1 + (free orders) charge the elder's month,
  conditional on the minutes still fitting the allowance: two concurrent orders cannot
  overspend it;
- assign: replace the provider's day plan (version read) + order placed -> assigned + event;
- accept/start/complete/cancel/reject/expire: order status -> status + event (+ refund on
  cancel, reject or expiry of a free order);
- import: the order replacing the stored one of its id (version read) + its events (those
  beyond its own deleted) + the free minutes it holds charged by the difference.

Indexes: worker-date-index (worker_id, service_date) lists a worker's orders of a day;
district-placed-index (district_id, placed_at) feeds oversight; waiting-index is sparse (only
placed orders carry waiting_flag) so the retry schedule reads just the waiting orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.home_services import (
    HomeServiceModel,
    plan_condition,
    plan_item,
    quota_key,
)
from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.adapters.dynamodb.moments import instant_text
from careroute.adapters.dynamodb.tables import find_item, get_item, index, transaction, update_if
from careroute.domain.errors import ConflictError
from careroute.domain.order_history import OrderHistory, quota_changes
from careroute.domain.orders import Order, OrderEvent, OrderStatus
from careroute.domain.quota import month_of
from careroute.planning.provider_day import DayPlan
from careroute.service_layer.ports import Placement

WAITING = "placed"


ORDER_COLUMNS = FieldColumns(Order, left_out={"served_minutes"})
EVENT_COLUMNS = FieldColumns(OrderEvent)


class OrderModel(MappedModel, stores=ORDER_COLUMNS):
    order_id = UnicodeAttribute(hash_key=True)
    by_worker = index("worker-date-index", "worker_id", range_key="service_date")
    by_district = index("district-placed-index", "district_id", range_key="placed_at")
    waiting = index("waiting-index", "waiting_flag", range_key="placed_at")

    request_hash = UnicodeAttribute()
    waiting_flag = UnicodeAttribute(null=True)
    served_minutes = NumberAttribute(null=True)
    """Only on an imported completed order: the minutes served."""


class OrderEventModel(MappedModel, stores=EVENT_COLUMNS):
    order_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)


def _item(o: Order, request_hash: str) -> OrderModel:
    return OrderModel(
        **ORDER_COLUMNS.values(o),
        request_hash=request_hash,
        waiting_flag=WAITING if o.status is OrderStatus.PLACED else None,
        served_minutes=o.served_minutes or None,
    )


def _order(i: OrderModel) -> Order:
    return ORDER_COLUMNS.read(i, served_minutes=int(i.served_minutes or 0))


def _event_item(e: OrderEvent) -> OrderEventModel:
    return OrderEventModel(**EVENT_COLUMNS.values(e))


def _event(i: OrderEventModel) -> OrderEvent:
    return EVENT_COLUMNS.read(i)


def _quota_charge(order: Order, minutes: int, allowance: int) -> tuple[HomeServiceModel, Any, Any]:
    item = HomeServiceModel(*quota_key(order.elder_id, month_of(order.service_date)))
    used = HomeServiceModel.used_minutes
    condition = used.does_not_exist() | (used <= allowance - minutes)
    return item, [used.add(minutes)], condition


def place(order: Order, event: OrderEvent, request_hash: str, allowance: int) -> Placement:
    """Store a new order and its first event, charging free minutes within `allowance`."""
    with transaction(OrderModel, "place an order") as tx:
        tx.save(_item(order, request_hash), condition=OrderModel.order_id.does_not_exist())
        tx.save(_event_item(event), condition=OrderEventModel.seq.does_not_exist())
        if order.quota_minutes:
            item, actions, condition = _quota_charge(order, order.quota_minutes, allowance)
            tx.update(item, actions=actions, condition=condition)
    if tx.committed:
        return Placement.PLACED
    if tx.failed[0] or tx.failed[1]:
        return Placement.DUPLICATE
    return Placement.OVER_QUOTA  # the only other condition: the quota charge


def get_order(order_id: str) -> tuple[Order, str]:
    """The order and the fingerprint of the request that placed it (consistent read)."""
    missing = f"order {order_id} not found"
    item = get_item(OrderModel, order_id, action="read an order", missing=missing, consistent=True)
    return _order(item), item.request_hash


def get_orders(order_ids: list[str]) -> list[Order]:
    """The orders that exist among `order_ids` (any order)."""
    found: list[Order] = []
    with storage_errors("read orders"):
        for i in range(0, len(order_ids), 100):
            found += [_order(item) for item in OrderModel.batch_get(order_ids[i : i + 100])]
    return found


def _step_condition(before: Order) -> Any:
    return (OrderModel.status == before.status.value) & (OrderModel.version == before.version)


def save_step(before: Order, after: Order, event: OrderEvent, refund: int = 0) -> bool:
    """Record a status step; False when the order changed meanwhile (nothing written)."""
    actions: list[Action] = [
        OrderModel.status.set(after.status.value),
        OrderModel.version.set(after.version),
        OrderModel.waiting_flag.remove(),  # no step leads back to placed
    ]
    if after.dispatch_note != before.dispatch_note:  # an expiry records why
        actions.append(OrderModel.dispatch_note.set(after.dispatch_note))
    with transaction(OrderModel, "record an order step") as tx:
        tx.update(OrderModel(before.order_id), actions, _step_condition(before))
        tx.save(_event_item(event), condition=OrderEventModel.seq.does_not_exist())
        if refund:
            quota = HomeServiceModel(*quota_key(before.elder_id, month_of(before.service_date)))
            tx.update(quota, [HomeServiceModel.used_minutes.add(-refund)])
    return tx.committed


def save_assignment(before: Order, after: Order, event: OrderEvent, plan: DayPlan) -> bool:
    """Store the provider's new day `plan` (replacing version plan.version - 1) and the
    assignment together; False if the plan or the order changed meanwhile."""
    assert after.assigned_at is not None
    actions: list[Action] = [
        OrderModel.status.set(after.status.value),
        OrderModel.version.set(after.version),
        OrderModel.provider_id.set(after.provider_id),
        OrderModel.worker_id.set(after.worker_id),
        OrderModel.assigned_at.set(instant_text(after.assigned_at)),
        OrderModel.waiting_flag.remove(),
        OrderModel.dispatch_note.remove(),
    ]
    with transaction(OrderModel, "assign an order") as tx:
        tx.save(plan_item(plan), condition=plan_condition(plan))
        tx.update(OrderModel(before.order_id), actions, _step_condition(before))
        tx.save(_event_item(event), condition=OrderEventModel.seq.does_not_exist())
    return tx.committed


def note_waiting(order: Order, note: str) -> bool:
    """Record why a placed order is still waiting and count the attempt."""
    actions: list[Action] = [
        OrderModel.dispatch_note.set(note),
        OrderModel.dispatch_attempts.add(1),
    ]
    condition = OrderModel.status == OrderStatus.PLACED.value
    return update_if(OrderModel(order.order_id), actions, condition, "note a waiting order")


def events_of(order_id: str) -> list[OrderEvent]:
    with storage_errors("read order events"):
        return [_event(i) for i in OrderEventModel.query(order_id, consistent_read=True)]


def of_worker(worker_id: str, day: date) -> list[Order]:
    with storage_errors("list a worker's orders"):
        items = OrderModel.by_worker.query(worker_id, OrderModel.service_date == day.isoformat())
        return [_order(i) for i in items]


def of_district(district_id: str, since: datetime, until: datetime) -> Iterator[Order]:
    """A district's orders placed in [since, until)."""
    with storage_errors("list a district's orders"):
        condition = OrderModel.placed_at.between(instant_text(since), instant_text(until))
        for item in OrderModel.by_district.query(district_id, condition):
            if item.placed_at < instant_text(until):
                yield _order(item)


def waiting_since(before: datetime) -> Iterator[Order]:
    """Placed orders (not yet assigned) placed before `before`, oldest first."""
    with storage_errors("list waiting orders"):
        for item in OrderModel.waiting.query(WAITING, OrderModel.placed_at < instant_text(before)):
            yield _order(item)


IMPORTED = ""
"""The request fingerprint of an imported order (no request placed it)."""


def import_history(history: OrderHistory) -> None:
    """Store an imported order with its events over the stored one of its id, and charge
    the difference in free minutes held; ConflictError when the order changed meanwhile
    (nothing written: the import is run again)."""
    order = history.order
    stored = find_item(OrderModel, order.order_id, action="read an order", consistent=True)
    before = _order(stored) if stored is not None else None
    condition: Any = OrderModel.order_id.does_not_exist()
    if before is not None:
        condition = OrderModel.version == before.version
    with transaction(OrderModel, "import an order") as tx:
        tx.save(_item(order, IMPORTED), condition=condition)
        for event in history.events:
            tx.save(_event_item(event))
        for seq in range(len(history.events) + 1, (before.version if before else 0) + 1):
            tx.delete(OrderEventModel(order.order_id, seq))
        for (elder_id, month), minutes in quota_changes(before, order).items():
            quota = HomeServiceModel(*quota_key(elder_id, month))
            tx.update(quota, [HomeServiceModel.used_minutes.add(minutes)])
    if not tx.committed:
        raise ConflictError(f"order {order.order_id} changed during the import; import again")


def import_orders(histories: Iterable[OrderHistory]) -> int:
    """Store each imported order with its events (`import_history`); the count stored."""
    count = 0
    for history in histories:
        import_history(history)
        count += 1
    return count


def all_of_district(district_id: str) -> Iterator[Order]:
    """Every order of the district, in the order of their placing."""
    with storage_errors("list a district's orders"):
        for item in OrderModel.by_district.query(district_id):
            yield _order(item)


def histories_of_district(district_id: str) -> Iterator[OrderHistory]:
    """Every order of the district with its events, by order id (what an export writes)."""
    for order in sorted(all_of_district(district_id), key=lambda o: o.order_id):
        yield OrderHistory(order, tuple(events_of(order.order_id)))
