"""Home-service orders over the API: place (idempotent, quota-checked), the worker's steps,
the worker's day, and the officials' oversight.

Who may place an order (and cancel it): the elder's family (scope: the elder id), the
steward of the elder's community, the call centre of the elder's district, the city admin.
Who may accept, start, complete or reject it: the worker it is assigned to. Who reads
oversight: officials in their scope and the city admin.

Over quota: a free order that does not fit the elder's remaining free minutes is rejected
with 409 `quota_exhausted` (nothing is stored); the caller may place it again as self-paid.
Free minutes are refunded when a free order is cancelled, rejected or expires.

Too late: an order whose latest possible start has passed (a same-day window with no room
left) is placed and expired at once, so the answer already says `expired` with the reason
and refunds the free minutes; the dispatcher retires the same way an order still waiting
when its window passes (`expire_if_passed`), instead of retrying it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from careroute.domain.access import Caller, Role, require_scope
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import (
    ConflictError,
    ForbiddenError,
    QuotaExhaustedError,
    ValidationError,
)
from careroute.domain.orders import (
    IllegalTransition,
    Order,
    OrderAction,
    OrderEvent,
    OrderStatus,
    Payment,
    ServiceType,
    advance,
    expire,
    order_id,
    placed_event,
    refund_minutes,
    window_passed,
)
from careroute.domain.percentiles import percentile
from careroute.domain.quota import HomeServicePolicy, month_of, remaining
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.vocabulary import (
    CHINA_TZ,
    TimeWindow,
    china_date,
    parse_clock,
)
from careroute.planning.urgent_holds import urgent_stop_id
from careroute.service_layer.ordering_for import may_order_for, orderable_elder
from careroute.service_layer.ports import (
    CommunityRepository,
    DayPlanRepository,
    ElderRepository,
    IncidentRepository,
    OrderRepository,
    Placement,
    QuotaLedger,
    ScopeDirectory,
    ServiceProviders,
    StewardRepository,
)
from careroute.service_layer.replays import Replayable
from careroute.service_layer.scope_access import readable_scope

WORKER_ACTIONS = frozenset(
    {OrderAction.ACCEPT, OrderAction.START, OrderAction.COMPLETE, OrderAction.REJECT}
)
ESCALATE_AFTER_ATTEMPTS = 3
"""A placed order nobody could take this many times is shown as escalated to oversight."""


@dataclass(frozen=True)
class OrderTaking:
    """The ports placing, stepping, reading and overseeing orders read and write."""

    orders: OrderRepository
    providers: ServiceProviders
    plans: DayPlanRepository
    quota: QuotaLedger
    incidents: IncidentRepository
    communities: CommunityRepository
    stewards: StewardRepository
    elders: ElderRepository
    scopes: ScopeDirectory


@dataclass(frozen=True)
class OrderRequest(Replayable):
    """A validated POST /orders body."""

    elder_id: str
    community_id: str
    service: ServiceType
    service_date: date
    window_start: str
    window_end: str
    self_paid: bool = False


def order_view(order: Order) -> dict[str, Any]:
    """An order as the API shows it (ids and times only: no names or addresses). Times are in
    UTC, as stored, so an order reads the same just placed, replayed or read back."""
    return {
        "order_id": order.order_id,
        "elder_id": order.elder_id,
        "community_id": order.community_id,
        "district_id": order.district_id,
        "service": order.service.value,
        "minutes": order.minutes,
        "service_date": order.service_date.isoformat(),
        "window": str(order.window),
        "payment": order.payment.value,
        "status": order.status.value,
        "provider_id": order.provider_id or None,
        "worker_id": order.worker_id or None,
        "placed_at": order.placed_at.astimezone(UTC).isoformat(),
        "assigned_at": order.assigned_at.astimezone(UTC).isoformat() if order.assigned_at else None,
        "dispatch_note": order.dispatch_note or None,
    }


def _window(request: OrderRequest) -> TimeWindow:
    try:
        return TimeWindow(parse_clock(request.window_start), parse_clock(request.window_end))
    except ValueError as exc:
        raise ValidationError(f"window_start/window_end: {exc}") from exc


def place_order(
    who: Caller,
    request: OrderRequest,
    key: str,
    now: datetime,
    policy: HomeServicePolicy,
    ports: OrderTaking,
) -> tuple[Order, bool]:
    """Place an order once per (caller, Idempotency-Key); True when placed now, False when
    the same request was placed before (its order is returned)."""
    today = china_date(now)
    if request.service_date < today:
        raise ValidationError(f"service_date: {request.service_date} is in the past")
    if request.service_date > today + timedelta(days=31):
        raise ValidationError("service_date: at most 31 days ahead")
    window = _window(request)
    elder = orderable_elder(
        who, request.community_id, request.elder_id, ports.elders, ports.stewards
    )
    try:
        order = Order(
            order_id=order_id(who.subject, key),
            **elder_scope_ids(elder),
            service=request.service,
            service_date=request.service_date,
            window=window,
            location=elder.location,
            placed_at=now,
            placed_by=who.subject,
            payment=Payment.SELF_PAID if request.self_paid else Payment.FREE,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    allowance = 0
    if order.payment is Payment.FREE:
        allowance = policy.allowance(
            elder.age_on(order.service_date), ports.providers.is_pilot(elder.community_id)
        )
        if allowance == 0:
            raise QuotaExhaustedError(
                "the elder has no free home-service minutes (not eligible); "
                "place the order as self_paid"
            )
    placement = ports.orders.place(order, placed_event(order), request.fingerprint(), allowance)
    if placement is Placement.OVER_QUOTA:
        used = ports.quota.used_minutes(elder.elder_id, month_of(order.service_date))
        raise QuotaExhaustedError(
            f"{order.minutes} minutes do not fit the {remaining(allowance, used)} free minutes "
            f"left in {month_of(order.service_date)}; place the order as self_paid"
        )
    if placement is Placement.DUPLICATE:
        existing, fingerprint = ports.orders.get_order(order.order_id)
        if fingerprint != request.fingerprint():
            raise ConflictError("the Idempotency-Key was used for a different order")
        return expire_if_passed(existing, now, ports.orders) or existing, False
    return expire_if_passed(order, now, ports.orders) or order, True


def expire_if_passed(order: Order, now: datetime, orders: OrderRepository) -> Order | None:
    """The order expired (its step recorded, free minutes refunded) if it is still placed
    and its window has passed; None when it is left as it is. A repeated call, or a step
    that raced it, changes nothing (the step is conditional on the version read)."""
    if order.status is not OrderStatus.PLACED or not window_passed(order, now):
        return None
    after, event = expire(order, now)
    if orders.save_step(order, after, event, refund_minutes(order, after)):
        return after
    current, _ = orders.get_order(order.order_id)
    return current


def _may_cancel(who: Caller, order: Order, stewards: StewardRepository) -> bool:
    if who.subject == order.placed_by:
        return True
    return may_order_for(who, order.community_id, order.elder_id, order.district_id, stewards)


def act(who: Caller, oid: str, action: OrderAction, now: datetime, ports: OrderTaking) -> Order:
    """A worker's accept/start/complete/reject, or an orderer's cancel."""
    order, _ = ports.orders.get_order(oid)
    if action in WORKER_ACTIONS:
        if who.role is not Role.WORKER or who.scope != order.worker_id:
            raise ForbiddenError("only the worker the order is assigned to may do this")
    elif action is OrderAction.CANCEL:
        if not _may_cancel(who, order, ports.stewards):
            raise ForbiddenError(f"{who.role.value} {who.scope} may not cancel this order")
    else:
        raise ValidationError(f"action: {action.value} is not an API action")
    try:
        after, event = advance(order, action, now, who.subject)
    except IllegalTransition as exc:
        raise ConflictError(str(exc)) from exc
    if not ports.orders.save_step(order, after, event, refund_minutes(order, after)):
        raise ConflictError("the order changed meanwhile; read it again")
    return after


def worker_day(who: Caller, worker_id: str, day: date, ports: OrderTaking) -> list[dict[str, Any]]:
    """The worker's orders and urgent incidents (`kind: urgent`) of a day in visiting
    order, with the planned start."""
    if who.role is not Role.CITY_ADMIN and (who.role is not Role.WORKER or who.scope != worker_id):
        raise ForbiddenError("a worker can only see their own orders")
    of_day = ports.orders.of_worker(worker_id, day)
    orders = [o for o in of_day if o.status is not OrderStatus.REJECTED]
    plans = {p: ports.plans.get_plan(p, day) for p in {o.provider_id for o in orders}}
    rows = []
    for order in orders:
        start = plans[order.provider_id].start_of(order.order_id)
        view = order_view(order)
        view["planned_start"] = f"{start // 3600:02d}:{start % 3600 // 60:02d}" if start else None
        rows.append((start if start is not None else 1 << 30, order.order_id, view))
    rows += _incident_rows(worker_id, day, ports)
    return [view for *_, view in sorted(rows, key=lambda r: (r[0], r[1]))]


def _incident_rows(
    worker_id: str, day: date, ports: OrderTaking
) -> list[tuple[int, str, dict[str, Any]]]:
    """The worker's open urgent incidents of the day (they respond to them): how the worker
    is notified, with the planned start among their orders (ids and times, no names)."""
    rows = []
    for incident in ports.incidents.of_responder(worker_id):
        if not incident.is_open or incident.dispatched_at is None:
            continue
        if china_date(incident.dispatched_at) != day:
            continue
        plan = ports.plans.get_plan(incident.responder_provider_id, day)
        start = plan.start_of(urgent_stop_id(incident.incident_id))
        hold = next((h for h in plan.held if h.incident_id == incident.incident_id), None)
        view = {
            "incident_id": incident.incident_id,
            "kind": "urgent",
            "event_type": incident.event_type.value,
            "severity": incident.severity.value,
            "status": incident.status.value,
            "elder_id": incident.elder_id,
            "community_id": incident.community_id,
            "lat": hold.location.lat if hold else None,
            "lng": hold.location.lng if hold else None,
            "minutes": incident.service_minutes,
            "arrive_due_at": incident.arrive_due_at.isoformat(),
            "eta": incident.eta.isoformat() if incident.eta else None,
            "planned_start": f"{start // 3600:02d}:{start % 3600 // 60:02d}" if start else None,
        }
        rows.append((start if start is not None else 1 << 30, incident.incident_id, view))
    return rows


def readable_order(who: Caller, oid: str, ports: OrderTaking) -> Order:
    """The order, if `who` may read it: the orderer, the worker it is assigned to, officials
    in its scope (and the city admin); else ForbiddenError."""
    order, _ = ports.orders.get_order(oid)
    involved = who.subject == order.placed_by or (
        who.role is Role.WORKER and who.scope == order.worker_id
    )
    if not involved:
        where = Scope(ScopeKind.COMMUNITY, order.community_id)
        require_scope(who, where, ports.scopes.ancestors(where))
    return order


def order_events(who: Caller, oid: str, ports: OrderTaking) -> list[OrderEvent]:
    """Every step of an order (for whoever may read the order)."""
    readable_order(who, oid, ports)
    return ports.orders.events_of(oid)


def oversight(who: Caller, scope: str, month: str, ports: OrderTaking) -> dict[str, Any]:
    """Orders placed in a month in a district (or the city): status counts, waiting time
    placed -> assigned (p50/p99 seconds), escalated waiting orders, free minutes used."""
    where = readable_scope(who, scope, ports.scopes)
    if where.kind not in (ScopeKind.DISTRICT, ScopeKind.CITY):
        raise ValidationError("scope: oversight is per district or for the city")
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError as exc:
        raise ValidationError(f"month: {exc}") from exc
    if where.kind is ScopeKind.DISTRICT:
        districts = [where.scope_id]
    else:
        districts = sorted({c.district_id for c in ports.communities.all_communities()})
    since = datetime.combine(first, datetime.min.time(), CHINA_TZ)
    until = datetime.combine((first + timedelta(days=32)).replace(day=1), since.time(), CHINA_TZ)
    orders = [o for d in districts for o in ports.orders.of_district(d, since, until)]
    waits = sorted(w for o in orders if (w := o.waiting_seconds) is not None)
    escalated = sum(
        1
        for o in orders
        if o.status is OrderStatus.PLACED and o.dispatch_attempts >= ESCALATE_AFTER_ATTEMPTS
    )
    free = {(o.elder_id, month_of(o.service_date)) for o in orders if o.payment is Payment.FREE}
    return {
        "scope": str(where),
        "month": month,
        "orders": len(orders),
        "status": dict(sorted(Counter(o.status.value for o in orders).items())),
        "waiting_seconds": {"p50": percentile(waits, 0.5), "p99": percentile(waits, 0.99)},
        "escalated": escalated,
        "free_minutes_used": ports.quota.used_by(free),
        "self_paid": sum(1 for o in orders if o.payment is Payment.SELF_PAID),
    }
