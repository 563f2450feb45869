"""A synthetic city's home-service orders: the month before `as_of` (mostly served, some
cancelled, rejected or expired, each by a provider of the elder's district ordered for the
service and one of its workers with the skill) and a few placed for the next days, what
`careroute data generate` writes to orders.csv so a stack loaded from it has hours of home
service in its ledger.

Pure: same city, market, day, policy and seed, same orders. Free orders stay within each
elder's monthly free minutes (the rest are self-paid), counting those that ended unserved
too (a little under what the API would allow).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from careroute.domain.order_history import OrderHistory, StepTimes, order_history
from careroute.domain.orders import SERVICES, Order, OrderStatus, Payment, ServiceType
from careroute.domain.providers import ServiceMarket
from careroute.domain.quota import HomeServicePolicy, month_of
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.vocabulary import CHINA_TZ, Elder, ElderStatus, Registry, TimeWindow

ORDERING_SHARE = 0.05
"""Share of the active elders who ordered in the month before."""
ORDERS_PER_ELDER = (1, 3)
HISTORY_DAYS = 30
WAITING_SHARE = 0.01
"""Share of the active elders with an order placed for one of the next days."""
OUTCOMES = {
    OrderStatus.COMPLETED: 0.86,
    OrderStatus.CANCELLED: 0.06,
    OrderStatus.REJECTED: 0.04,
    OrderStatus.EXPIRED: 0.04,
}
"""How last month's orders ended, each outcome's share."""
SERVED_DIFFERENCE = (-15, 0, 0, 0, 15, 30)
"""Minutes a served order took beyond its service's own (a history's real durations)."""


class _Orders:
    """The orders being drawn, with the free minutes each elder's months have used."""

    def __init__(
        self, market: ServiceMarket, policy: HomeServicePolicy, rng: random.Random
    ) -> None:
        self.market = market
        self.policy = policy
        self.rng = rng
        self.used: dict[tuple[str, str], int] = {}
        self.drawn: list[OrderHistory] = []

    def payment(self, elder: Elder, service: ServiceType, day: date) -> Payment:
        """Free while the elder's month has the service's minutes left, else self-paid."""
        in_pilot = elder.community_id in self.market.pilots
        allowance = self.policy.allowance(elder.age_on(day), in_pilot)
        key = (elder.elder_id, month_of(day))
        minutes = SERVICES[service].minutes
        if self.used.get(key, 0) + minutes > allowance:
            return Payment.SELF_PAID
        self.used[key] = self.used.get(key, 0) + minutes
        return Payment.FREE

    def taker(self, elder: Elder, service: ServiceType) -> tuple[str, str] | None:
        """A provider of the elder's district ordered for the service and a worker of it
        with the skill; None when the district has none."""
        skill = SERVICES[service].skill
        providers = [
            p
            for p in self.market.providers
            if p.district_id == elder.district_id and skill in p.skills
        ]
        if not providers:
            return None
        provider = self.rng.choice(providers)
        workers = [
            w.worker_id
            for w in self.market.workers
            if w.provider_id == provider.provider_id and skill in w.skills
        ]
        return (provider.provider_id, self.rng.choice(workers)) if workers else None

    def draw(self, elder: Elder, order_id: str, day: date, placed_at: datetime, past: bool) -> None:
        rng = self.rng
        service = rng.choice(list(ServiceType))
        taker = self.taker(elder, service)
        if taker is None:
            return
        minutes = SERVICES[service].minutes
        start = rng.choice((8, 9, 13, 14)) * 3600
        window = TimeWindow(start, start + minutes * 60 + 2 * 3600)
        outcome = rng.choices(list(OUTCOMES), weights=list(OUTCOMES.values()))[0]
        status = outcome if past else OrderStatus.PLACED
        taken = status in (OrderStatus.COMPLETED, OrderStatus.REJECTED)
        served = max(15, minutes + rng.choice(SERVED_DIFFERENCE))
        order = Order(
            order_id=order_id,
            **elder_scope_ids(elder),
            service=service,
            service_date=day,
            window=window,
            location=elder.location,
            placed_at=placed_at,
            placed_by=f"family:{elder.elder_id}",
            payment=self.payment(elder, service, day),
            status=status,
            provider_id=taker[0] if taken else "",
            worker_id=taker[1] if taken else "",
            served_minutes=served if status is OrderStatus.COMPLETED else 0,
        )  # fmt: skip
        self.drawn.append(order_history(order, _times(order, rng)))


def _times(order: Order, rng: random.Random) -> StepTimes:
    """When each step of the order's status was reached: assigned ten minutes after its
    placing, accepted within the hour, started in its window on its day, ended as served."""
    assigned = order.placed_at + timedelta(minutes=10)
    accepted = assigned + timedelta(minutes=rng.randint(5, 50))
    day = datetime.combine(order.service_date, time(), CHINA_TZ)
    started = day + timedelta(seconds=order.window.start, minutes=rng.randint(0, 60))
    if order.status is OrderStatus.COMPLETED:
        return StepTimes(
            assigned, accepted, started, started + timedelta(minutes=order.served_minutes)
        )
    if order.status is OrderStatus.CANCELLED:
        return StepTimes(ended_at=order.placed_at + timedelta(hours=2))
    if order.status is OrderStatus.REJECTED:
        return StepTimes(assigned, ended_at=assigned + timedelta(minutes=20))
    if order.status is OrderStatus.EXPIRED:
        latest = order.window.end - order.minutes * 60
        return StepTimes(ended_at=day + timedelta(seconds=latest))
    return StepTimes()


def synthetic_orders(
    city: Registry, market: ServiceMarket, as_of: date, policy: HomeServicePolicy, seed: int
) -> tuple[OrderHistory, ...]:
    """The orders of the active elders: those of the `HISTORY_DAYS` before `as_of`, and
    some placed the day before for one of the next five days."""
    rng = random.Random(f"orders:{seed}")
    orders = _Orders(market, policy, rng)
    active = sorted(
        (e for e in city.elders if e.status is ElderStatus.ACTIVE), key=lambda e: e.elder_id
    )
    for elder in active:
        if rng.random() < ORDERING_SHARE:
            for n in range(rng.randint(*ORDERS_PER_ELDER)):
                day = as_of - timedelta(days=rng.randint(1, HISTORY_DAYS))
                placed = day - timedelta(days=rng.randint(1, 7))
                placed_at = datetime.combine(placed, time(rng.randint(8, 20)), CHINA_TZ)
                orders.draw(elder, f"or-syn-{elder.elder_id}-{n + 1}", day, placed_at, True)
        if rng.random() < WAITING_SHARE:
            day = as_of + timedelta(days=rng.randint(1, 5))
            placed_at = datetime.combine(as_of - timedelta(days=1), time(10), CHINA_TZ)
            orders.draw(elder, f"or-syn-{elder.elder_id}-next", day, placed_at, False)
    return tuple(orders.drawn)
