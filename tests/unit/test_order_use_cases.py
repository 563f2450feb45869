"""Home-service orders and the dispatcher on the memory adapters: placing once per key and
within the month's free minutes, who may order, the dispatcher giving an order to a skilled
worker (or saying why nobody can take it), the worker's steps and day, and oversight."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from careroute.adapters import memory, memory_incidents, memory_orders
from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import (
    ConflictError,
    ForbiddenError,
    QuotaExhaustedError,
    ValidationError,
)
from careroute.domain.orders import WINDOW_PASSED, Order, OrderAction, OrderStatus, ServiceType
from careroute.domain.policy import load_policy
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.domain.quota import HomeServicePolicy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Community,
    ElderStatus,
)
from careroute.service_layer.dispatch import OrderDispatch, dispatch_order, retry_waiting
from careroute.service_layer.orders import (
    OrderRequest,
    OrderTaking,
    act,
    order_events,
    oversight,
    place_order,
    readable_order,
    worker_day,
)
from tests.builders import BASE, CITY_ADMIN, a_steward, an_elder, an_incident

TODAY = date(2026, 12, 7)  # a Monday
TOMORROW = TODAY + timedelta(days=1)
NINE = datetime(2026, 12, 7, 9, 0, tzinfo=CHINA_TZ)
MONTH = "2026-12"
RULES = HomeServicePolicy()  # 180 free minutes a month for elders of 80 or more in a pilot
POLICY = load_policy()
FAMILY = Caller("family-sub", Role.FAMILY, "E1")
CLEANER = Caller("cleaner-sub", Role.WORKER, "K1")


def a_community(community_id: str, district_id: str) -> Community:
    street = f"S-{district_id}"
    return Community(community_id, "社区", street, "街道", district_id, "区", BASE, 400)


@pytest.fixture
def ports() -> OrderTaking:
    """Elder E1 (86) of pilot community C1 in district D1, another community C2 in D2, a
    steward each, and provider P1 of D1 with a cleaner (K1) and a bather (K2)."""
    communities = memory.MemoryCommunities()
    communities.save_communities([a_community("C1", "D1"), a_community("C2", "D2")])
    quota, plans = memory_orders.MemoryQuota(), memory_orders.MemoryDayPlans()
    taking = OrderTaking(
        orders=memory_orders.MemoryOrders(quota, plans),
        providers=memory_orders.MemoryProviders(),
        plans=plans,
        quota=quota,
        incidents=memory_incidents.MemoryIncidents(),
        communities=communities,
        stewards=memory.MemoryStewards(),
        elders=memory.MemoryElders(),
        scopes=memory.MemoryScopes(communities),
    )
    taking.stewards.save_stewards(
        [
            a_steward("W1", "C1"),
            a_steward("W2", "C2"),
        ]
    )
    elder = replace(an_elder(born=date(1940, 5, 1)), street_id="S-D1")
    taking.elders.save_elders([elder])
    taking.providers.save_market(
        ServiceMarket(
            providers=(Provider("P1", "D1", BASE, frozenset({"cleaning", "bathing"})),),
            workers=(
                ServiceWorker("K1", "P1", frozenset({"cleaning"})),
                ServiceWorker("K2", "P1", frozenset({"bathing"})),
            ),
            pilots=frozenset({"C1"}),
        )
    )
    return taking


def dispatching(ports: OrderTaking) -> OrderDispatch:
    return OrderDispatch(ports.orders, ports.providers, ports.plans)


def request(
    service: ServiceType = ServiceType.CLEANING, day: date = TOMORROW, self_paid: bool = False
) -> OrderRequest:
    return OrderRequest("E1", "C1", service, day, "08:00", "18:00", self_paid)


def place(
    ports: OrderTaking,
    key: str,
    service: ServiceType = ServiceType.CLEANING,
    day: date = TOMORROW,
    self_paid: bool = False,
) -> Order:
    order, created = place_order(FAMILY, request(service, day, self_paid), key, NINE, RULES, ports)
    assert created
    return order


def test_an_order_is_placed_once_per_key_and_charges_the_elder_free_minutes(
    ports: OrderTaking,
) -> None:
    order = place(ports, "key-1")
    assert (order.status, order.minutes) == (OrderStatus.PLACED, 90)
    again, created = place_order(
        FAMILY, request(), "key-1", NINE + timedelta(minutes=1), RULES, ports
    )
    assert (again, created) == (order, False)
    assert ports.quota.used_minutes("E1", MONTH) == 90
    with pytest.raises(ConflictError, match="different order"):
        place_order(FAMILY, request(ServiceType.BATHING), "key-1", NINE, RULES, ports)


def test_a_free_order_past_the_month_minutes_is_refused_and_self_paid_goes_through(
    ports: OrderTaking,
) -> None:
    place(ports, "key-1")
    place(ports, "key-2")  # 180 of 180 minutes
    with pytest.raises(QuotaExhaustedError, match="60 minutes do not fit the 0 free minutes"):
        place(ports, "key-3", ServiceType.BATHING)
    assert place(ports, "key-4", ServiceType.BATHING, self_paid=True).quota_minutes == 0
    assert ports.quota.used_minutes("E1", MONTH) == 180


def test_an_elder_without_free_minutes_is_told_to_order_self_paid(ports: OrderTaking) -> None:
    younger_rules = HomeServicePolicy(min_age=90)
    with pytest.raises(QuotaExhaustedError, match="not eligible"):
        place_order(FAMILY, request(), "key-1", NINE, younger_rules, ports)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (FAMILY, True),
        (Caller("other-family", Role.FAMILY, "E2"), False),
        (Caller("steward-sub", Role.STEWARD, "W1"), True),
        (Caller("steward-sub", Role.STEWARD, "W2"), False),
        (Caller("centre-sub", Role.CALL_CENTRE, "D1"), True),
        (Caller("centre-sub", Role.CALL_CENTRE, "D2"), False),
        (CITY_ADMIN, True),
        (CLEANER, False),
    ],
)
def test_only_the_family_steward_call_centre_of_the_elder_and_the_admin_may_order(
    ports: OrderTaking, who: Caller, allowed: bool
) -> None:
    if allowed:
        assert place_order(who, request(), "key-1", NINE, RULES, ports)[1] is True
    else:
        with pytest.raises(ForbiddenError):
            place_order(who, request(), "key-1", NINE, RULES, ports)


def test_a_date_in_the_past_or_an_inactive_elder_is_bad_input(ports: OrderTaking) -> None:
    with pytest.raises(ValidationError, match="in the past"):
        place_order(FAMILY, request(day=TODAY - timedelta(days=1)), "key-1", NINE, RULES, ports)
    moved = replace(ports.elders.get_elder("C1", "E1"), status=ElderStatus.MOVED)
    ports.elders.save_elders([moved])
    with pytest.raises(ValidationError, match="not active"):
        place_order(FAMILY, request(), "key-2", NINE, RULES, ports)


def test_an_order_too_late_for_today_is_placed_expired_with_its_minutes_back(
    ports: OrderTaking,
) -> None:
    five_pm = NINE.replace(hour=17)  # a 90-minute cleaning had to start by 16:30
    order, created = place_order(FAMILY, request(day=TODAY), "key-1", five_pm, RULES, ports)
    assert (created, order.status, order.dispatch_note) == (
        True,
        OrderStatus.EXPIRED,
        WINDOW_PASSED,
    )
    assert ports.quota.used_minutes("E1", MONTH) == 0


def test_the_dispatcher_gives_the_order_to_the_skilled_worker_who_steps_it_through(
    ports: OrderTaking,
) -> None:
    order = place(ports, "key-1")
    dispatched = dispatch_order(order.order_id, NINE, POLICY, dispatching(ports))
    assert (dispatched.status, dispatched.worker_id) == ("assigned", "K1")
    again = dispatch_order(order.order_id, NINE, POLICY, dispatching(ports))
    assert again.status == "skipped"
    [row] = worker_day(CLEANER, "K1", TOMORROW, ports)
    assert (row["order_id"], row["status"]) == (order.order_id, "assigned")
    assert row["planned_start"] is not None
    with pytest.raises(ForbiddenError):
        act(
            Caller("bather-sub", Role.WORKER, "K2"), order.order_id, OrderAction.ACCEPT, NINE, ports
        )
    for action in (OrderAction.ACCEPT, OrderAction.START, OrderAction.COMPLETE):
        act(CLEANER, order.order_id, action, NINE, ports)
    steps = [e.action for e in order_events(FAMILY, order.order_id, ports)]
    assert steps == [
        OrderAction.PLACE,
        OrderAction.ASSIGN,
        OrderAction.ACCEPT,
        OrderAction.START,
        OrderAction.COMPLETE,
    ]
    with pytest.raises(ConflictError, match="cannot cancel"):
        act(FAMILY, order.order_id, OrderAction.CANCEL, NINE, ports)


def test_a_cancel_by_the_orderer_gives_the_free_minutes_back(ports: OrderTaking) -> None:
    order = place(ports, "key-1")
    cancelled = act(FAMILY, order.order_id, OrderAction.CANCEL, NINE, ports)
    assert cancelled.status is OrderStatus.CANCELLED
    assert ports.quota.used_minutes("E1", MONTH) == 0
    assert dispatch_order(order.order_id, NINE, POLICY, dispatching(ports)).status == "skipped"


def test_an_order_nobody_offers_waits_with_the_reason_and_is_shown_escalated(
    ports: OrderTaking,
) -> None:
    order = place(ports, "key-1", ServiceType.ESCORT)  # no provider of D1 escorts
    first = dispatch_order(order.order_id, NINE, POLICY, dispatching(ports))
    assert (first.status, first.reason) == ("waiting", "no provider in the district offers escort")
    later = NINE + timedelta(hours=1)
    for _ in range(2):
        [retried] = retry_waiting(later, later, POLICY, dispatching(ports))
        assert retried.status == "waiting"
    stored, _ = ports.orders.get_order(order.order_id)
    assert stored.dispatch_attempts == 3
    report = oversight(CITY_ADMIN, "district:D1", MONTH, ports)
    assert (report["orders"], report["escalated"], report["status"]) == (1, 1, {"placed": 1})
    assert report["free_minutes_used"] == 180


def test_an_order_still_waiting_when_its_window_passes_expires_at_the_next_retry(
    ports: OrderTaking,
) -> None:
    order = place(ports, "key-1", ServiceType.ESCORT, day=TODAY)
    evening = NINE.replace(hour=19)
    [expired] = retry_waiting(evening, evening, POLICY, dispatching(ports))
    assert (expired.order_id, expired.status, expired.reason) == (
        order.order_id,
        "expired",
        WINDOW_PASSED,
    )
    assert ports.quota.used_minutes("E1", MONTH) == 0
    assert retry_waiting(evening, evening, POLICY, dispatching(ports)) == []


def test_an_order_is_read_by_its_orderer_its_worker_and_officials_in_scope_only(
    ports: OrderTaking,
) -> None:
    order = place(ports, "key-1")
    dispatch_order(order.order_id, NINE, POLICY, dispatching(ports))
    for reader in (FAMILY, CLEANER, CITY_ADMIN, Caller("o", Role.DISTRICT_OFFICIAL, "D1")):
        assert readable_order(reader, order.order_id, ports).order_id == order.order_id
    for stranger in (Caller("o", Role.DISTRICT_OFFICIAL, "D2"), Caller("k", Role.WORKER, "K2")):
        with pytest.raises(ForbiddenError):
            readable_order(stranger, order.order_id, ports)
    with pytest.raises(ForbiddenError):
        oversight(Caller("o", Role.DISTRICT_OFFICIAL, "D2"), "district:D1", MONTH, ports)
    with pytest.raises(ValidationError, match="per district or for the city"):
        oversight(CITY_ADMIN, str(Scope(ScopeKind.COMMUNITY, "C1")), MONTH, ports)


def test_oversight_counts_the_month_orders_waiting_time_and_minutes_of_the_city(
    ports: OrderTaking,
) -> None:
    first, second = place(ports, "key-1"), place(ports, "key-2", ServiceType.BATHING)
    dispatch_order(first.order_id, NINE + timedelta(minutes=10), POLICY, dispatching(ports))
    act(FAMILY, second.order_id, OrderAction.CANCEL, NINE, ports)
    report = oversight(CITY_ADMIN, "city", MONTH, ports)
    assert report["status"] == {"assigned": 1, "cancelled": 1}
    assert report["waiting_seconds"]["p50"] == 600
    assert (report["free_minutes_used"], report["self_paid"], report["escalated"]) == (90, 0, 0)
    assert oversight(CITY_ADMIN, "city", "2026-11", ports)["orders"] == 0


def test_a_worker_day_lists_the_urgent_incidents_they_respond_to_after_their_orders(
    ports: OrderTaking,
) -> None:
    order = place(ports, "key-1", day=TODAY)
    dispatch_order(order.order_id, NINE, POLICY, dispatching(ports))
    incident = an_incident(
        "in-1", NINE, "K1", elder_id="E9", street_id="S-D1", responder_provider_id="P1"
    )
    assert ports.incidents.open_in_slot(incident, None)
    rows = worker_day(CLEANER, "K1", TODAY, ports)
    assert [(r.get("order_id"), r.get("incident_id"), r.get("kind")) for r in rows] == [
        (order.order_id, None, None),
        (None, "in-1", "urgent"),
    ]
    assert worker_day(CLEANER, "K1", TOMORROW, ports) == []
    with pytest.raises(ForbiddenError):
        worker_day(Caller("k", Role.WORKER, "K2"), "K1", TODAY, ports)
