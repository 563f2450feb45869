"""Home-service orders end to end on the local stack: an order placed over the API is
dispatched by the real dispatcher (orders stream -> fleet router) to a skilled worker, who
sees it in their day and accepts, starts and completes it; every step is recorded; retries
place nothing twice; the monthly free minutes cannot be overspent; bad input and wrong
scopes are refused."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC

import pytest

from careroute.adapters.dynamodb import home_services
from careroute.adapters.dynamodb import orders as store
from careroute.adapters.dynamodb.order_repositories import order_taking
from careroute.domain.access import Caller, Role
from careroute.domain.errors import QuotaExhaustedError
from careroute.domain.orders import OrderStatus, ServiceType
from careroute.domain.quota import HomeServicePolicy
from careroute.domain.vocabulary import Elder, ElderStatus, Registry
from careroute.service_layer.orders import OrderRequest, place_order
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE, TODAY, bearer, china_now
from tests.integration.api_calls import post_json
from tests.integration.market_city import with_market


def an_elder(city: Registry, min_age: int = 80, nth: int = 0) -> Elder:
    found = [
        e for e in city.elders if e.status is ElderStatus.ACTIVE and e.age_on(PLAN_DATE) >= min_age
    ]
    return found[nth]


@pytest.fixture(scope="module")
def market(session_pump: EventPump, small_city: Registry) -> EventPump:
    """One reset stack for the module (each test uses its own elders and keys): the small
    city and its synthetic providers."""
    return with_market(session_pump, small_city)


def body(elder: Elder, service: str = "cleaning", **extra: object) -> str:
    fields: dict[str, object] = {
        "elder_id": elder.elder_id,
        "community_id": elder.community_id,
        "service": service,
        "service_date": PLAN_DATE.isoformat(),
        "window_start": "08:30",
        "window_end": "17:00",
    }
    fields.update(extra)
    return json.dumps(fields)


def post(pump: EventPump, auth: dict[str, str], text: str, key: str) -> HttpResponse:
    return post_json(pump, "/orders", auth, text, key)


def minutes_used(elder: Elder) -> int:
    """The free home-service minutes the elder has used in PLAN_DATE's month."""
    return home_services.used_minutes(elder.elder_id, PLAN_DATE.strftime("%Y-%m"))


def step(pump: EventPump, auth: dict[str, str], order_id: str, action: str) -> HttpResponse:
    return pump.invoke_http("POST", f"/orders/{order_id}/{action}", headers=auth)


def test_an_order_is_dispatched_accepted_started_completed_and_every_step_is_recorded(
    market: EventPump, small_city: Registry
) -> None:
    pump, elder = market, an_elder(small_city)
    family = bearer(pump, "family", elder.elder_id)
    placed = post(pump, family, body(elder, "bathing"), "order-key-0001")
    assert placed.status == 201, placed.text
    order_id = placed.json()["order_id"]
    assert placed.json()["status"] == "placed"

    assert pump.drain_stream("OrdersTable").failed == 0
    order, _ = store.get_order(order_id)
    assert order.status is OrderStatus.ASSIGNED
    assert order.provider_id == f"hp-{elder.district_id}-care"  # the provider that bathes
    worker = order.worker_id
    skills = {w.worker_id: w.skills for w in home_services.workers_of(order.provider_id)}
    assert "bathing" in skills[worker]

    mine = bearer(pump, "worker", worker)
    day = pump.invoke_http("GET", f"/workers/{worker}/orders/{PLAN_DATE}", headers=mine)
    assert day.status == 200
    [row] = day.json()["orders"]
    assert row["order_id"] == order_id and row["planned_start"] >= "08:30"

    for action, status in [("accept", "accepted"), ("start", "started"), ("complete", "completed")]:
        done = step(pump, mine, order_id, action)
        assert (done.status, done.json()["status"]) == (200, status), done.text
    again = step(pump, mine, order_id, "complete")
    assert again.status == 409 and "cannot complete an order that is completed" in again.text

    official = bearer(pump, "district_official", elder.district_id)
    events = pump.invoke_http("GET", f"/orders/{order_id}/events", headers=official).json()
    assert [e["action"] for e in events["events"]] == [
        "place", "assign", "accept", "start", "complete"
    ]  # fmt: skip
    assert events["events"][1]["by"] == "dispatcher"

    month = TODAY.strftime("%Y-%m")  # orders count by the month they were placed
    query = {"scope": f"district:{elder.district_id}", "month": month}
    seen = pump.invoke_http("GET", "/oversight/orders", headers=official, query=query).json()
    assert seen["status"]["completed"] == 1  # other tests' orders are not completed
    assert seen["waiting_seconds"]["p50"] >= 0
    assert seen["free_minutes_used"] >= 60


def test_a_retried_post_places_one_order_and_a_redelivered_record_assigns_once(
    market: EventPump, small_city: Registry
) -> None:
    pump, elder = market, an_elder(small_city, nth=2)
    family = bearer(pump, "family", elder.elder_id)
    first = post(pump, family, body(elder), "order-key-0002")
    second = post(pump, family, body(elder), "order-key-0002")
    assert (first.status, second.status) == (201, 201)  # a replay answers as the first did
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert first.json() == second.json()
    reused = post(pump, family, body(elder, "meal"), "order-key-0002")
    assert reused.status == 409 and "different order" in reused.text

    assert pump.drain_stream("OrdersTable").failed == 0
    assert pump.redeliver_stream("OrdersTable").failed == 0
    order_id = first.json()["order_id"]
    actions = [e.action.value for e in store.events_of(order_id)]
    assert actions == ["place", "assign"]
    assert minutes_used(elder) == 90


def test_free_minutes_run_out_then_self_paid_is_accepted_and_a_cancel_refunds(
    market: EventPump, small_city: Registry
) -> None:
    pump, elder = market, an_elder(small_city, nth=3)
    family = bearer(pump, "family", elder.elder_id)
    escort = post(pump, family, body(elder, "escort"), "order-key-0003")  # 180 minutes
    assert escort.status == 201
    more = post(pump, family, body(elder, "meal"), "order-key-0004")
    assert more.status == 409
    assert more.json()["error"]["code"] == "quota_exhausted"
    assert "0 free minutes left" in more.json()["error"]["message"]
    paid = post(pump, family, body(elder, "meal", self_paid=True), "order-key-0005")
    assert (paid.status, paid.json()["payment"]) == (201, "self_paid")

    cancelled = step(pump, family, escort.json()["order_id"], "cancel")
    assert cancelled.json()["status"] == "cancelled"
    free_again = post(pump, family, body(elder, "meal"), "order-key-0006")
    assert (free_again.status, free_again.json()["payment"]) == (201, "free")


def test_an_elder_under_80_gets_no_free_minutes(market: EventPump, small_city: Registry) -> None:
    pump = market
    young = next(
        e for e in small_city.elders if e.status is ElderStatus.ACTIVE and e.age_on(PLAN_DATE) < 75
    )
    family = bearer(pump, "family", young.elder_id)
    refused = post(pump, family, body(young), "order-key-0007")
    assert refused.status == 409 and "not eligible" in refused.text


def test_two_concurrent_free_orders_cannot_overspend_the_quota(
    market: EventPump, small_city: Registry
) -> None:
    elder = an_elder(small_city, nth=1)
    who = Caller("family-sub", Role.FAMILY, elder.elder_id)
    request = OrderRequest(
        elder.elder_id, elder.community_id, ServiceType.ESCORT, PLAN_DATE, "08:00", "18:00"
    )

    def place(n: int) -> str:
        try:
            place_order(
                who,
                request,
                f"concurrent-{n:04d}",
                china_now().astimezone(UTC),
                HomeServicePolicy(),
                order_taking(),
            )
            return "placed"
        except QuotaExhaustedError:
            return "refused"

    with ThreadPoolExecutor(4) as pool:
        results = sorted(pool.map(place, range(4)))
    assert results == ["placed", "refused", "refused", "refused"]
    assert minutes_used(elder) == 180


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service": "gardening"}, "service"),
        ({"window_start": "25:00"}, "window_start"),
        ({"service_date": "2026-13-01"}, "service_date"),
        ({"service_date": "2020-01-01"}, "service_date"),
        ({"window_start": "16:30"}, "window"),
        ({"elder_id": "has space"}, "elder_id"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    market: EventPump, small_city: Registry, change: dict[str, str], field: str
) -> None:
    pump, elder = market, an_elder(small_city, nth=4)
    response = post(pump, bearer(pump, "family", elder.elder_id), body(elder, **change), "k-400-01")
    assert response.status == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert field in response.json()["error"]["message"]


def test_callers_outside_their_scope_are_refused(market: EventPump, small_city: Registry) -> None:
    pump, elder, other = market, an_elder(small_city, nth=5), an_elder(small_city, nth=6)
    assert post(pump, bearer(pump, "family", other.elder_id), body(elder), "k-403-01").status == 403
    far = "D13" if elder.district_id != "D13" else "D12"
    assert post(pump, bearer(pump, "call_centre", far), body(elder), "k-403-02").status == 403
    own = post(pump, bearer(pump, "call_centre", elder.district_id), body(elder), "k-403-03")
    assert own.status == 201
    pump.drain_stream("OrdersTable")
    order_id = own.json()["order_id"]
    assert step(pump, bearer(pump, "worker", "hw-someone-else"), order_id, "accept").status == 403
    query = {"scope": f"district:{elder.district_id}", "month": TODAY.strftime("%Y-%m")}
    oversight = pump.invoke_http(
        "GET", "/oversight/orders", headers=bearer(pump, "district_official", far), query=query
    )
    assert oversight.status == 403
    steward = next(s for s in small_city.stewards if s.community_id == elder.community_id)
    by_steward = post(pump, bearer(pump, "steward", steward.steward_id), body(elder), "k-403-04")
    assert by_steward.status == 201
