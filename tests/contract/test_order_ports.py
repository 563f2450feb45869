"""The home-service ports, memory against DynamoDB: placing an order once and within the
month's free minutes, steps conditional on the version read (with refunds), an assignment
stored with the provider's day or not at all, the lists a worker, oversight and the retry
schedule read; the market, day plans and quota use."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from careroute_synthetic.services import generate_market

from careroute.domain.access import Caller, Role
from careroute.domain.errors import NotFoundError, QuotaExhaustedError
from careroute.domain.orders import (
    WINDOW_PASSED,
    Order,
    OrderAction,
    OrderStatus,
    Payment,
    ServiceType,
    advance,
    assign,
    expire,
    placed_event,
)
from careroute.domain.policy import load_policy
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.domain.quota import HomeServicePolicy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    ElderStatus,
    GeoPoint,
    Registry,
    TimeWindow,
)
from careroute.planning.provider_day import DayPlan
from careroute.planning.urgent_holds import UrgentHold
from careroute.service_layer.dispatch import OrderDispatch, dispatch_order, retry_waiting
from careroute.service_layer.orders import (
    OrderRequest,
    OrderTaking,
    act,
    oversight,
    place_order,
)
from careroute.service_layer.ports import Placement
from tests.builders import CITY_ADMIN
from tests.conftest import PLAN_DATE, TODAY
from tests.contract.conftest import Backend
from tests.contract.order_backends import HomeServices, home_services_of, told_on_both

MORNING = datetime.combine(TODAY, time(9), CHINA_TZ)
MONTH = PLAN_DATE.strftime("%Y-%m")
ALLOWANCE = 120
DAYTIME = ("08:00", "18:00")
DAWN = ("06:00", "07:45")
RULES = HomeServicePolicy()  # 180 free minutes a month for elders of 80 or more in a pilot


@pytest.fixture
def homes(backend: Backend) -> HomeServices:
    return home_services_of(backend)


def an_order(
    n: int,
    *,
    elder: str = "E0001",
    district: str = "D01",
    service: ServiceType = ServiceType.CLEANING,
    payment: Payment = Payment.FREE,
) -> Order:
    """Order n, placed n minutes after nine this morning (90 minutes of cleaning)."""
    return Order(
        order_id=f"or-{n:04d}",
        elder_id=elder,
        community_id="C0001",
        street_id="S001",
        district_id=district,
        service=service,
        service_date=PLAN_DATE,
        window=TimeWindow.parse("08:00", "18:00"),
        location=GeoPoint(41.8, 123.4),
        placed_at=MORNING + timedelta(minutes=n),
        placed_by="family-sub",
        payment=payment,
    )


def placed(homes: HomeServices, order: Order) -> Order:
    result = homes.orders.place(order, placed_event(order), f"hash-{order.order_id}", ALLOWANCE)
    assert result is Placement.PLACED
    return order


def ids(orders: object) -> list[str]:
    return [o.order_id for o in orders]  # type: ignore[attr-defined]


def test_a_placed_order_reads_back_with_its_fingerprint_and_first_event(
    homes: HomeServices,
) -> None:
    order = placed(homes, an_order(1))
    assert homes.orders.get_order(order.order_id) == (order, "hash-or-0001")
    assert homes.orders.events_of(order.order_id) == [placed_event(order)]
    assert homes.quota.used_minutes("E0001", MONTH) == 90


def test_placing_an_existing_order_id_again_is_a_duplicate_and_charges_nothing(
    homes: HomeServices,
) -> None:
    order = placed(homes, an_order(1))
    again = homes.orders.place(order, placed_event(order), "another-hash", ALLOWANCE)
    assert again is Placement.DUPLICATE
    assert homes.orders.get_order(order.order_id) == (order, "hash-or-0001")
    assert homes.quota.used_minutes("E0001", MONTH) == 90


def test_a_free_order_past_the_allowance_is_refused_and_nothing_is_stored(
    homes: HomeServices,
) -> None:
    placed(homes, an_order(1))  # 90 of the 120 free minutes
    over = an_order(2, service=ServiceType.BATHING)  # 60 more
    result = homes.orders.place(over, placed_event(over), "hash", ALLOWANCE)
    assert result is Placement.OVER_QUOTA
    with pytest.raises(NotFoundError):
        homes.orders.get_order(over.order_id)
    assert homes.orders.events_of(over.order_id) == []
    assert homes.quota.used_minutes("E0001", MONTH) == 90


def test_a_self_paid_order_charges_no_free_minutes(homes: HomeServices) -> None:
    placed(homes, an_order(1))
    placed(homes, an_order(2, payment=Payment.SELF_PAID))
    assert homes.quota.used_minutes("E0001", MONTH) == 90


def test_an_unknown_order_is_not_found_and_is_left_out_of_a_batch_read(
    homes: HomeServices,
) -> None:
    first, second = placed(homes, an_order(1)), placed(homes, an_order(2, elder="E0002"))
    with pytest.raises(NotFoundError):
        homes.orders.get_order("or-unknown")
    found = homes.orders.get_orders(["or-unknown", second.order_id, first.order_id])
    assert sorted(found, key=lambda o: o.order_id) == [first, second]


def test_a_cancel_is_recorded_once_and_gives_the_free_minutes_back(
    homes: HomeServices,
) -> None:
    order = placed(homes, an_order(1))
    after, event = advance(order, OrderAction.CANCEL, MORNING + timedelta(hours=1), "family-sub")
    assert homes.orders.save_step(order, after, event, refund=90) is True
    assert homes.orders.save_step(order, after, event, refund=90) is False  # read before it
    assert homes.orders.get_order(order.order_id)[0] == after
    assert homes.orders.events_of(order.order_id) == [placed_event(order), event]
    assert homes.quota.used_minutes("E0001", MONTH) == 0
    assert list(homes.orders.waiting_since(MORNING + timedelta(days=1))) == []


def test_an_expiry_keeps_its_reason(homes: HomeServices) -> None:
    order = placed(homes, an_order(1))
    after, event = expire(order, MORNING + timedelta(hours=2))
    assert homes.orders.save_step(order, after, event, refund=90) is True
    stored, _ = homes.orders.get_order(order.order_id)
    assert (stored.status, stored.dispatch_note) == (OrderStatus.EXPIRED, WINDOW_PASSED)


def test_an_assignment_stores_the_provider_day_and_the_order_together(
    homes: HomeServices,
) -> None:
    order = placed(homes, an_order(1))
    at = MORNING + timedelta(minutes=5)
    after, event = assign(order, "P01", "W01", at)
    day = DayPlan("P01", PLAN_DATE, 1, {"W01": [(order.order_id, 9 * 3600)]})
    assert homes.orders.save_assignment(order, after, event, day) is True
    assert homes.orders.get_order(order.order_id)[0] == after
    assert homes.plans.get_plan("P01", PLAN_DATE) == day
    assert homes.orders.of_worker("W01", PLAN_DATE) == [after]
    assert homes.orders.of_worker("W01", PLAN_DATE + timedelta(days=1)) == []
    assert homes.orders.events_of(order.order_id)[-1] == event
    assert list(homes.orders.waiting_since(MORNING + timedelta(days=1))) == []


def test_an_assignment_built_on_a_stale_day_changes_nothing(homes: HomeServices) -> None:
    order = placed(homes, an_order(1))
    other = DayPlan("P01", PLAN_DATE, 1, {"W02": [("or-other", 10 * 3600)]})
    assert homes.plans.replace_plan(other) is True
    after, event = assign(order, "P01", "W01", MORNING)
    stale = DayPlan("P01", PLAN_DATE, 1, {"W01": [(order.order_id, 9 * 3600)]})
    assert homes.orders.save_assignment(order, after, event, stale) is False
    assert homes.orders.get_order(order.order_id)[0] == order
    assert homes.plans.get_plan("P01", PLAN_DATE) == other
    assert homes.orders.events_of(order.order_id) == [placed_event(order)]


def test_a_waiting_note_counts_attempts_only_while_the_order_is_placed(
    homes: HomeServices,
) -> None:
    order = placed(homes, an_order(1))
    assert homes.orders.note_waiting(order, "P01: no skilled worker") is True
    assert homes.orders.note_waiting(order, "P01: no worker free") is True
    stored, _ = homes.orders.get_order(order.order_id)
    assert (stored.dispatch_note, stored.dispatch_attempts) == ("P01: no worker free", 2)
    after, event = advance(stored, OrderAction.CANCEL, MORNING, "family-sub")
    assert homes.orders.save_step(stored, after, event) is True
    assert homes.orders.note_waiting(after, "late") is False
    assert homes.orders.note_waiting(an_order(9), "unknown") is False


def test_a_district_lists_the_orders_placed_in_the_span_oldest_first(
    homes: HomeServices,
) -> None:
    for n in (3, 1, 2, 4):
        placed(homes, an_order(n, elder=f"E{n:04d}"))
    placed(homes, an_order(5, elder="E0005", district="D02"))
    since, until = MORNING + timedelta(minutes=2), MORNING + timedelta(minutes=4)
    assert ids(homes.orders.of_district("D01", since, until)) == ["or-0002", "or-0003"]


def test_waiting_orders_are_the_placed_ones_before_the_moment_oldest_first(
    homes: HomeServices,
) -> None:
    orders = [placed(homes, an_order(n, elder=f"E{n:04d}")) for n in (3, 1, 2, 4)]
    after, event = assign(orders[2], "P01", "W01", MORNING)  # or-0002
    day = DayPlan("P01", PLAN_DATE, 1, {"W01": [("or-0002", 9 * 3600)]})
    assert homes.orders.save_assignment(orders[2], after, event, day) is True
    assert homes.orders.note_waiting(orders[0], "nobody yet") is True  # still waiting
    before = MORNING + timedelta(minutes=4)
    assert ids(homes.orders.waiting_since(before)) == ["or-0001", "or-0003"]


def test_the_market_reads_back_by_district_and_by_provider_in_id_order(
    homes: HomeServices,
) -> None:
    base = GeoPoint(41.8, 123.4)
    market = ServiceMarket(
        providers=(
            Provider("P02", "D01", base, frozenset({"cleaning"})),
            Provider("P01", "D01", base, frozenset({"cleaning", "bathing"})),
            Provider("P03", "D02", base, frozenset({"escort"})),
        ),
        workers=(
            ServiceWorker("W02", "P01", frozenset({"bathing"}), lunch=None),
            ServiceWorker("W01", "P01", frozenset({"cleaning"})),
            ServiceWorker("W03", "P02", frozenset({"cleaning"})),
        ),
        pilots=frozenset({"C0001"}),
    )
    assert homes.providers.save_market(market) == 7
    assert homes.providers.providers_of("D01") == [market.providers[1], market.providers[0]]
    assert homes.providers.providers_of("D09") == []
    assert homes.providers.workers_of("P01") == [market.workers[1], market.workers[0]]
    assert homes.providers.is_pilot("C0001") is True
    assert homes.providers.is_pilot("C0002") is False


def test_a_day_plan_replaces_only_the_version_it_was_built_on(homes: HomeServices) -> None:
    assert homes.plans.get_plan("P01", PLAN_DATE) == DayPlan("P01", PLAN_DATE, 0, {})
    hold = UrgentHold("in-1", "W01", GeoPoint(41.8, 123.4), TimeWindow.parse("10:00", "11:00"), 900)
    first = DayPlan("P01", PLAN_DATE, 1, {"W01": [("or-0001", 9 * 3600), (hold.stop_id, 36000)]})
    second = replace(first, version=2, held=(hold,))
    assert homes.plans.replace_plan(second) is False  # built on a version not there
    assert homes.plans.replace_plan(first) is True
    assert homes.plans.replace_plan(first) is False  # built on nothing, but a plan is there
    assert homes.plans.replace_plan(second) is True
    assert homes.plans.get_plan("P01", PLAN_DATE) == second
    assert homes.plans.get_plan("P01", PLAN_DATE).order_ids == ["or-0001"]
    assert homes.plans.get_plan("P02", PLAN_DATE).version == 0


def test_free_minutes_used_add_up_over_elder_months_each_counted_once(
    homes: HomeServices,
) -> None:
    placed(homes, an_order(1))
    placed(homes, an_order(2, elder="E0002", service=ServiceType.BATHING))
    keys = [("E0001", MONTH), ("E0002", MONTH), ("E0001", MONTH), ("E0003", MONTH)]
    assert homes.quota.used_by(keys) == 150
    assert homes.quota.used_minutes("E0003", MONTH) == 0


def order_story(homes: HomeServices, city: Registry) -> dict[str, Any]:
    """Families order for the city's oldest active elders (free, self-paid, a retried key, one
    over the month's minutes, one too late today, one before every worker's shift); the
    dispatcher takes each, retries the waiting one, and a family cancels one. What each order
    became, its steps, and oversight's figures (not the routes: the router's search is
    time-boxed)."""
    homes.base.holding(city)
    homes.providers.save_market(generate_market(city.communities, seed=11))
    taking, dispatch = homes.ports(OrderTaking), homes.ports(OrderDispatch)
    active = [e for e in city.elders if e.status is ElderStatus.ACTIVE]
    oldest = sorted(active, key=lambda e: (e.birth_date, e.elder_id))[:4]
    asks = [
        (oldest[0], ServiceType.CLEANING, PLAN_DATE, False, "k1", DAYTIME),
        (oldest[0], ServiceType.CLEANING, PLAN_DATE, False, "k1", DAYTIME),  # retried
        (oldest[0], ServiceType.BATHING, PLAN_DATE, False, "k2", DAYTIME),
        (oldest[0], ServiceType.COMPANION, PLAN_DATE, False, "k3", DAYTIME),  # past 180 minutes
        (oldest[1], ServiceType.ESCORT, PLAN_DATE, True, "k4", DAYTIME),
        (oldest[2], ServiceType.MEAL, TODAY, False, "k5", DAYTIME),  # too late at 19:00
        (oldest[3], ServiceType.COMPANION, PLAN_DATE, True, "k6", DAYTIME),
        (oldest[3], ServiceType.CLEANING, PLAN_DATE, True, "k7", DAWN),  # before every shift
    ]
    evening = datetime.combine(TODAY, time(19), CHINA_TZ)
    placed_ids: list[str] = []
    outcomes: list[str] = []
    for elder, service, day, self_paid, key, (start, end) in asks:
        who = Caller(f"family-{elder.elder_id}", Role.FAMILY, elder.elder_id)
        ask = OrderRequest(elder.elder_id, elder.community_id, service, day, start, end, self_paid)
        try:
            order, created = place_order(who, ask, key, evening, RULES, taking)
        except QuotaExhaustedError as exc:
            outcomes.append(f"refused: {exc}")
            continue
        outcomes.append(f"{order.status.value} created={created}")
        placed_ids.append(order.order_id)
    policy = load_policy()
    dispatched = [dispatch_order(o, evening, policy, dispatch) for o in placed_ids]
    later = evening + timedelta(minutes=30)
    retried = retry_waiting(later, later, policy, dispatch)
    first = homes.orders.get_order(placed_ids[0])[0]
    cancelled = act(first_orderer(first), first.order_id, OrderAction.CANCEL, later, taking)
    district = f"district:{oldest[0].district_id}"
    report = oversight(CITY_ADMIN, district, TODAY.strftime("%Y-%m"), taking)
    return {
        "outcomes": outcomes,
        "dispatched": [(d.order_id, d.status, d.reason) for d in dispatched],
        "retried": [(d.order_id, d.status, d.reason) for d in retried],
        "cancelled": cancelled.status,
        "steps": {o: [e.action for e in homes.orders.events_of(o)] for o in placed_ids},
        "attempts": [homes.orders.get_order(o)[0].dispatch_attempts for o in placed_ids],
        "quota": [homes.quota.used_minutes(e.elder_id, MONTH) for e in oldest],
        "oversight": {k: v for k, v in report.items() if k != "waiting_seconds"},
    }


def first_orderer(order: Order) -> Caller:
    return Caller(order.placed_by, Role.FAMILY, order.elder_id)


def test_the_order_use_cases_answer_the_same_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    memory_story, dynamodb_story = told_on_both(order_story, session_pump, small_city)
    assert memory_story == dynamodb_story
    assert memory_story["cancelled"] is OrderStatus.CANCELLED
    assert any(status == "assigned" for _, status, _ in memory_story["dispatched"])
    assert [status for _, status, _ in memory_story["retried"]] == ["waiting"]
