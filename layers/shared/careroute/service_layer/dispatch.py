"""Dispatch (派单): give a placed order to the best skilled worker of a provider in the
elder's district by re-solving that provider's day (careroute.planning.dispatch).

On the service date itself nothing is planned before `now` (careroute.planning.dispatch).
Idempotent: an order that is no longer placed is left alone, and the assignment is stored
in one transaction conditional on the plan version read and the order still being placed;
when another dispatch changed the day meanwhile, the day is read and solved again.
If no provider can take the order it stays placed with the reason and the attempt counted;
the retry schedule tries again and oversight shows it escalated after a few attempts.
An order whose window has passed (its latest possible start is before now) is not solved
again: it expires with the reason and its free minutes back (service_layer.orders).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from careroute.domain.orders import ON_A_ROUTE, OrderStatus, assign
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import CHINA_TZ, TravelMode
from careroute.observability import logger
from careroute.planning.dispatch import insert_order
from careroute.planning.provider_day import DayPlan
from careroute.planning.travel import HaversineTravel
from careroute.service_layer.orders import expire_if_passed
from careroute.service_layer.ports import DayPlanRepository, OrderRepository, ServiceProviders

CONFLICT_RETRIES = 5


@dataclass(frozen=True)
class OrderDispatch:
    """The ports the dispatcher reads and writes."""

    orders: OrderRepository
    providers: ServiceProviders
    plans: DayPlanRepository


@dataclass(frozen=True)
class Dispatched:
    order_id: str
    status: str
    """assigned | waiting | expired (its window passed: retired, not retried) | skipped
    (not placed any more)"""
    worker_id: str = ""
    reason: str = ""


def dispatch_order(
    order_id: str, now: datetime, policy: Policy, ports: OrderDispatch
) -> Dispatched:
    """Assign one placed order, or record why nobody can take it yet."""
    travel = HaversineTravel(policy.speed_kmh[TravelMode.BIKE], policy.circuity)
    for _ in range(CONFLICT_RETRIES):
        order, _ = ports.orders.get_order(order_id)
        if order.status is not OrderStatus.PLACED:
            return Dispatched(order_id, "skipped", order.worker_id)
        expired = expire_if_passed(order, now, ports.orders)
        if expired is not None:
            logger.info("order expired", extra={"order_id": order_id})
            return Dispatched(order_id, expired.status.value, reason=expired.dispatch_note)
        local = now.astimezone(CHINA_TZ)
        same_day = order.service_date == local.date()
        now_s = local.hour * 3600 + local.minute * 60 + local.second if same_day else None
        reasons: list[str] = []
        conflict = False
        for provider in ports.providers.providers_of(order.district_id):
            if order.skill not in provider.skills:
                continue
            plan = ports.plans.get_plan(provider.provider_id, order.service_date)
            booked = [
                o
                for o in ports.orders.get_orders(plan.order_ids)
                if o.status in ON_A_ROUTE and o.order_id != order.order_id
            ]
            workers = ports.providers.workers_of(provider.provider_id)
            starts = {o: s for stops in plan.routes.values() for o, s in stops}
            inserted = insert_order(
                provider.base, workers, booked, order, travel,
                held=plan.held, now_s=now_s, planned=starts,
            )  # fmt: skip
            if inserted.worker_id is None:
                reasons.append(f"{provider.provider_id}: {inserted.reason}")
                continue
            after, event = assign(order, provider.provider_id, inserted.worker_id, now)
            day = DayPlan(
                provider.provider_id,
                order.service_date,
                plan.version + 1,
                inserted.routes,
                plan.held,
            )
            if ports.orders.save_assignment(order, after, event, day):
                return Dispatched(order_id, "assigned", inserted.worker_id)
            conflict = True
            break
        if conflict:
            continue
        reason = "; ".join(reasons) or f"no provider in the district offers {order.skill}"
        ports.orders.note_waiting(order, reason)
        logger.info("order waiting", extra={"order_id": order_id, "reason": reason})
        return Dispatched(order_id, "waiting", reason=reason)
    raise RuntimeError(f"order {order_id}: the provider's day kept changing; retry later")


def retry_waiting(
    before: datetime, now: datetime, policy: Policy, ports: OrderDispatch
) -> list[Dispatched]:
    """Dispatch again every order still placed since before `before`."""
    waiting = ports.orders.waiting_since(before)
    return [dispatch_order(o.order_id, now, policy, ports) for o in waiting]
