"""Home-service orders (下单—派单—接单—监管): what can be ordered and the life of an order.

Pure: no AWS. An order moves through an explicit state machine

    placed -> assigned -> accepted -> started -> completed
    placed | assigned | accepted -> cancelled    (the orderer withdraws it)
    assigned -> rejected                         (the assigned worker declines it)
    placed -> expired                            (its window passed before anyone took it)

and every move is one `OrderEvent` (who, what, when) that the storage appends for oversight.
Any other move raises `IllegalTransition` naming the action and the status. An order's id is
derived from the caller and their Idempotency-Key, so a retried POST cannot place a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from careroute.domain.stable_ids import stable_id
from careroute.domain.vocabulary import CHINA_TZ, GeoPoint, TimeWindow


class ServiceType(StrEnum):
    CLEANING = "cleaning"
    BATHING = "bathing"
    MEAL = "meal"
    ESCORT = "escort"
    """Escort to hospital (陪同就医)."""
    COMPANION = "companion"


@dataclass(frozen=True)
class ServiceSpec:
    minutes: int
    """How long the service takes at the elder's home (what the quota is charged)."""
    skill: str
    """The skill a worker needs for it."""


SERVICES: dict[ServiceType, ServiceSpec] = {
    ServiceType.CLEANING: ServiceSpec(90, "cleaning"),
    ServiceType.BATHING: ServiceSpec(60, "bathing"),
    ServiceType.MEAL: ServiceSpec(45, "cooking"),
    ServiceType.ESCORT: ServiceSpec(180, "escort"),
    ServiceType.COMPANION: ServiceSpec(60, "companion"),
}


class OrderStatus(StrEnum):
    PLACED = "placed"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"
    """Nobody took it before its latest possible start: terminal, never retried."""


OPEN_STATUSES = frozenset({OrderStatus.PLACED, OrderStatus.ASSIGNED, OrderStatus.ACCEPTED})
"""An order in one of these may still be cancelled."""
ON_A_ROUTE = frozenset(
    {OrderStatus.ASSIGNED, OrderStatus.ACCEPTED, OrderStatus.STARTED, OrderStatus.COMPLETED}
)
"""An order in one of these holds its worker's time on its service date."""
REFUNDED = frozenset({OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.EXPIRED})
"""An order reaching one of these gives its free minutes back (it was never served)."""


class OrderAction(StrEnum):
    PLACE = "place"
    ASSIGN = "assign"
    ACCEPT = "accept"
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"
    REJECT = "reject"
    EXPIRE = "expire"


TRANSITIONS: dict[tuple[OrderStatus, OrderAction], OrderStatus] = {
    (OrderStatus.PLACED, OrderAction.ASSIGN): OrderStatus.ASSIGNED,
    (OrderStatus.ASSIGNED, OrderAction.ACCEPT): OrderStatus.ACCEPTED,
    (OrderStatus.ACCEPTED, OrderAction.START): OrderStatus.STARTED,
    (OrderStatus.STARTED, OrderAction.COMPLETE): OrderStatus.COMPLETED,
    (OrderStatus.ASSIGNED, OrderAction.REJECT): OrderStatus.REJECTED,
    (OrderStatus.PLACED, OrderAction.EXPIRE): OrderStatus.EXPIRED,
    **{(s, OrderAction.CANCEL): OrderStatus.CANCELLED for s in OPEN_STATUSES},
}


class IllegalTransition(ValueError):
    """The action is not allowed from the order's status."""


class Payment(StrEnum):
    FREE = "free"
    """Charged to the elder's monthly free minutes."""
    SELF_PAID = "self_paid"


@dataclass(frozen=True)
class Order:
    order_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    service: ServiceType
    service_date: date
    window: TimeWindow
    """The service must start and end inside this span of the service date."""
    location: GeoPoint
    """Where the service happens: the elder's home (from the registry; never logged)."""
    placed_at: datetime
    placed_by: str
    """The caller's subject (a user id, never a name)."""
    payment: Payment
    status: OrderStatus = OrderStatus.PLACED
    provider_id: str = ""
    worker_id: str = ""
    assigned_at: datetime | None = None
    dispatch_note: str = ""
    """Why the order is still placed (nobody could take it yet); empty otherwise."""
    dispatch_attempts: int = 0
    version: int = 1
    """How many events the order has had (the place event is 1)."""
    served_minutes: int = 0
    """The minutes served as another system recorded them (an imported order); 0: the
    service's own minutes."""

    def __post_init__(self) -> None:
        if self.placed_at.tzinfo is None:
            raise ValueError("placed_at must carry a time zone")
        if self.window.seconds < self.minutes * 60:
            raise ValueError(
                f"window: {self.window} is shorter than the {self.minutes} minutes "
                f"a {self.service.value} service takes"
            )

    @property
    def minutes(self) -> int:
        return SERVICES[self.service].minutes

    @property
    def delivered_minutes(self) -> int:
        """What a completed order counts in the service-hour ledger."""
        return self.served_minutes or self.minutes

    @property
    def skill(self) -> str:
        return SERVICES[self.service].skill

    @property
    def quota_minutes(self) -> int:
        """What the order charges to the elder's free minutes (0 when self-paid)."""
        return self.minutes if self.payment is Payment.FREE else 0

    @property
    def waiting_seconds(self) -> float | None:
        """Placed -> assigned, the figure oversight watches; None while unassigned."""
        if self.assigned_at is None:
            return None
        return (self.assigned_at - self.placed_at).total_seconds()


@dataclass(frozen=True)
class OrderEvent:
    """One step of an order, as recorded for oversight."""

    order_id: str
    seq: int
    action: OrderAction
    status: OrderStatus
    """The status after the step."""
    at: datetime
    by: str
    """Subject of the caller, or "dispatcher" for the dispatch function."""
    note: str = ""


DISPATCHER = "dispatcher"
WINDOW_PASSED = "window passed: no worker could serve it in time"

DayRoutes = dict[str, list[tuple[str, int]]]
"""A provider's day: per worker id, (order id, service start in seconds of the day) in
visiting order."""


def order_id(subject: str, idempotency_key: str) -> str:
    """The id of the order a caller places with an Idempotency-Key (same key, same id)."""
    return stable_id("or-", f"{subject}\n{idempotency_key}")


def placed_event(order: Order) -> OrderEvent:
    return OrderEvent(
        order.order_id, 1, OrderAction.PLACE, OrderStatus.PLACED, order.placed_at, order.placed_by
    )


def next_status(status: OrderStatus, action: OrderAction) -> OrderStatus:
    """The status after `action`, or IllegalTransition."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(f"cannot {action.value} an order that is {status.value}") from None


def advance(
    order: Order, action: OrderAction, at: datetime, by: str, note: str = ""
) -> tuple[Order, OrderEvent]:
    """The order after `action` and the event that records it."""
    status = next_status(order.status, action)
    after = replace(order, status=status, version=order.version + 1)
    event = OrderEvent(order.order_id, after.version, action, status, at, by, note)
    return after, event


def assign(
    order: Order, provider_id: str, worker_id: str, at: datetime
) -> tuple[Order, OrderEvent]:
    """The dispatcher gives the order to a worker."""
    after, event = advance(order, OrderAction.ASSIGN, at, DISPATCHER, note=worker_id)
    return replace(
        after, provider_id=provider_id, worker_id=worker_id, assigned_at=at, dispatch_note=""
    ), event


def refund_minutes(before: Order, after: Order) -> int:
    """Free minutes a step gives back: all of them when the order ends unserved."""
    refunded = after.status in REFUNDED and before.status not in REFUNDED
    return before.quota_minutes if refunded else 0


def latest_start(order: Order) -> datetime:
    """The last moment the service can start and still end inside its window."""
    day = datetime.combine(order.service_date, datetime.min.time(), CHINA_TZ)
    return day + timedelta(seconds=order.window.end - order.minutes * 60)


def window_passed(order: Order, now: datetime) -> bool:
    """True when nobody can serve the order any more: its latest start is before `now`."""
    return latest_start(order) < now


def expire(order: Order, at: datetime) -> tuple[Order, OrderEvent]:
    """The dispatcher retires a placed order whose window passed (the reason is its note)."""
    after, event = advance(order, OrderAction.EXPIRE, at, DISPATCHER, note=WINDOW_PASSED)
    return replace(after, dispatch_note=WINDOW_PASSED), event
