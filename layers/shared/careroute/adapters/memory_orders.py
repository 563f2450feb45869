"""The home-service ports in memory: orders, providers, day plans and free-minute use, with
the same behaviour as the DynamoDB adapters.

Orders share the day plans and the quota ledger they write in one step (as the DynamoDB
transactions do), so a test sees a refund or an assignment the moment it is stored.
`tests/contract/test_order_ports.py` runs the same tests against these and the DynamoDB ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime

from careroute.adapters.memory_store import get_stored, with_set
from careroute.domain.order_history import OrderHistory, quota_changes
from careroute.domain.orders import Order, OrderEvent, OrderStatus
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.domain.quota import month_of
from careroute.planning.provider_day import DayPlan
from careroute.service_layer.ports import Placement


class MemoryQuota:
    def __init__(self) -> None:
        self._used: dict[tuple[str, str], int] = {}

    def used_minutes(self, elder_id: str, month: str) -> int:
        return self._used.get((elder_id, month), 0)

    def used_by(self, keys: Iterable[tuple[str, str]]) -> int:
        return sum(self._used.get(key, 0) for key in set(keys))

    def charge(self, order: Order, allowance: int) -> bool:
        """Charge the order's free minutes unless the month's use would pass `allowance`.
        As the DynamoDB condition does, a month with nothing recorded yet takes any order."""
        key = (order.elder_id, month_of(order.service_date))
        used = self._used.get(key)
        if used is not None and used > allowance - order.quota_minutes:
            return False
        self._used[key] = (used or 0) + order.quota_minutes
        return True

    def refund(self, order: Order, minutes: int) -> None:
        key = (order.elder_id, month_of(order.service_date))
        self._used[key] = self._used.get(key, 0) - minutes

    def add(self, elder_id: str, month: str, minutes: int) -> None:
        """Change the month's use by `minutes` (an import's difference), unconditionally."""
        self._used[(elder_id, month)] = self._used.get((elder_id, month), 0) + minutes


def _copied(plan: DayPlan) -> DayPlan:
    """A plan whose routes nobody else holds (what DynamoDB's JSON round trip gives)."""
    routes = {worker: list(stops) for worker, stops in plan.routes.items()}
    return replace(plan, routes=routes)


class MemoryDayPlans:
    def __init__(self) -> None:
        self._plans: dict[tuple[str, date], DayPlan] = {}

    def get_plan(self, provider_id: str, day: date) -> DayPlan:
        stored = self._plans.get((provider_id, day))
        return _copied(stored) if stored else DayPlan(provider_id, day, 0, {})

    def fits(self, plan: DayPlan) -> bool:
        """True when `plan` was built on the version stored (no plan yet, for version 1)."""
        stored = self._plans.get((plan.provider_id, plan.day))
        if plan.version == 1:
            return stored is None
        return stored is not None and stored.version == plan.version - 1

    def store(self, plan: DayPlan) -> None:
        self._plans[(plan.provider_id, plan.day)] = _copied(plan)

    def replace_plan(self, plan: DayPlan) -> bool:
        if not self.fits(plan):
            return False
        self.store(plan)
        return True


class MemoryOrders:
    def __init__(self, quota: MemoryQuota, plans: MemoryDayPlans) -> None:
        self._quota = quota
        self._plans = plans
        self._orders: dict[str, tuple[Order, str]] = {}
        self._events: dict[str, dict[int, OrderEvent]] = {}
        self._waiting: set[str] = set()
        """Placed orders no step has touched yet (DynamoDB's sparse waiting index)."""

    def _unchanged(self, before: Order, event: OrderEvent) -> bool:
        stored = self._orders.get(before.order_id)
        if stored is None or event.seq in self._events.get(before.order_id, {}):
            return False
        order, _ = stored
        return order.status is before.status and order.version == before.version

    def _record(self, order: Order, event: OrderEvent) -> None:
        _, request_hash = self._orders[order.order_id]
        self._orders[order.order_id] = (order, request_hash)
        self._events.setdefault(order.order_id, {})[event.seq] = event
        self._waiting.discard(order.order_id)

    def place(
        self, order: Order, event: OrderEvent, request_hash: str, allowance: int
    ) -> Placement:
        if order.order_id in self._orders:
            return Placement.DUPLICATE
        if order.quota_minutes and not self._quota.charge(order, allowance):
            return Placement.OVER_QUOTA
        self._orders[order.order_id] = (order, request_hash)
        self._events[order.order_id] = {event.seq: event}
        if order.status is OrderStatus.PLACED:
            self._waiting.add(order.order_id)
        return Placement.PLACED

    def get_order(self, order_id: str) -> tuple[Order, str]:
        return get_stored(self._orders, order_id, f"order {order_id} not found")

    def get_orders(self, order_ids: list[str]) -> list[Order]:
        return [self._orders[o][0] for o in dict.fromkeys(order_ids) if o in self._orders]

    def save_step(self, before: Order, after: Order, event: OrderEvent, refund: int = 0) -> bool:
        if not self._unchanged(before, event):
            return False
        stored, _ = self._orders[before.order_id]
        changed = with_set(stored, after, "status", "version", "dispatch_note")
        self._record(changed, event)
        if refund:
            self._quota.refund(before, refund)
        return True

    def save_assignment(
        self, before: Order, after: Order, event: OrderEvent, plan: DayPlan
    ) -> bool:
        if not self._unchanged(before, event) or not self._plans.fits(plan):
            return False
        stored, _ = self._orders[before.order_id]
        written = ("status", "version", "provider_id", "worker_id", "assigned_at")
        assigned = with_set(stored, after, *written, dispatch_note="")
        self._plans.store(plan)
        self._record(assigned, event)
        return True

    def note_waiting(self, order: Order, note: str) -> bool:
        stored = self._orders.get(order.order_id)
        if stored is None or stored[0].status is not OrderStatus.PLACED:
            return False
        current, request_hash = stored
        noted = replace(
            current, dispatch_note=note, dispatch_attempts=current.dispatch_attempts + 1
        )
        self._orders[order.order_id] = (noted, request_hash)
        return True

    def events_of(self, order_id: str) -> list[OrderEvent]:
        return [e for _, e in sorted(self._events.get(order_id, {}).items())]

    def of_worker(self, worker_id: str, day: date) -> list[Order]:
        return [
            order
            for order, _ in self._orders.values()
            if order.worker_id == worker_id and order.service_date == day
        ]

    def of_district(self, district_id: str, since: datetime, until: datetime) -> Iterator[Order]:
        found = [
            order
            for order, _ in self._orders.values()
            if order.district_id == district_id and since <= order.placed_at < until
        ]
        return iter(sorted(found, key=lambda o: o.placed_at))

    def waiting_since(self, before: datetime) -> Iterator[Order]:
        found = [self._orders[o][0] for o in self._waiting]
        return iter(sorted((o for o in found if o.placed_at < before), key=lambda o: o.placed_at))

    def import_orders(self, histories: Iterable[OrderHistory]) -> int:
        count = 0
        for history in histories:
            order = history.order
            stored = self._orders.get(order.order_id)
            before = stored[0] if stored else None
            for (elder_id, month), minutes in quota_changes(before, order).items():
                self._quota.add(elder_id, month, minutes)
            self._orders[order.order_id] = (order, "")
            self._events[order.order_id] = {e.seq: e for e in history.events}
            if order.status is OrderStatus.PLACED:
                self._waiting.add(order.order_id)
            else:
                self._waiting.discard(order.order_id)
            count += 1
        return count

    def histories_of_district(self, district_id: str) -> Iterator[OrderHistory]:
        for order_id, (order, _) in sorted(self._orders.items()):
            if order.district_id == district_id:
                yield OrderHistory(order, tuple(self.events_of(order_id)))


class MemoryProviders:
    def __init__(self) -> None:
        self._providers: dict[str, Provider] = {}
        self._workers: dict[str, ServiceWorker] = {}
        self._pilots: set[str] = set()

    def save_market(self, market: ServiceMarket) -> int:
        self._providers.update((p.provider_id, p) for p in market.providers)
        self._workers.update((w.worker_id, w) for w in market.workers)
        self._pilots |= market.pilots
        return len(market.providers) + len(market.workers) + len(market.pilots)

    def providers_of(self, district_id: str) -> list[Provider]:
        found = [p for p in self._providers.values() if p.district_id == district_id]
        return sorted(found, key=lambda p: p.provider_id)

    def workers_of(self, provider_id: str) -> list[ServiceWorker]:
        found = [w for w in self._workers.values() if w.provider_id == provider_id]
        return sorted(found, key=lambda w: w.worker_id)

    def is_pilot(self, community_id: str) -> bool:
        return community_id in self._pilots
