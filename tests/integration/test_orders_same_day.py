"""Same-day home-service orders through the real dispatcher (orders stream -> fleet router)
on a simulated clock: an order placed at 14:00 for today is planned after 14:00, never into
the morning; one whose window is over expires at once with the reason and its free minutes
back, and one still waiting when its window passes expires at the next retry. And
GET /orders/{order_id}: the orderer, the assigned worker and officials in scope read it;
nobody else does."""

from __future__ import annotations

from datetime import datetime, timedelta

from careroute.domain import clock
from careroute.domain.orders import WINDOW_PASSED
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, bearer
from tests.integration.test_orders import an_elder, body, market, minutes_used, post

__all__ = ["market"]  # the module's stack: the small city and its synthetic providers

DISPATCHER = "DispatcherFunction"
TWO_PM = datetime.combine(PLAN_DATE, datetime.min.time(), CHINA_TZ) + timedelta(hours=14)


def test_an_order_for_today_placed_at_two_is_planned_after_two(
    market: EventPump, small_city: Registry
) -> None:
    pump, elder = market, an_elder(small_city, nth=10)
    family = bearer(pump, "family", elder.elder_id)
    with clock.use(clock.SimulatedClock(TWO_PM)):
        placed = post(pump, family, body(elder, "meal"), "same-day-0001")  # 08:30-17:00
        assert placed.status == 201, placed.text
        assert pump.drain_stream("OrdersTable").failed == 0
        order_id = placed.json()["order_id"]
        seen = pump.invoke_http("GET", f"/orders/{order_id}", headers=family)
    assert seen.status == 200 and seen.json()["status"] == "assigned", seen.text
    worker = seen.json()["worker_id"]
    day = pump.invoke_http(
        "GET", f"/workers/{worker}/orders/{PLAN_DATE}", headers=bearer(pump, "worker", worker)
    )
    [row] = [r for r in day.json()["orders"] if r["order_id"] == order_id]
    assert "14:00" <= row["planned_start"] <= "16:15"  # 45 minutes of cooking by 17:00


def test_an_order_for_today_whose_window_is_over_expires_at_once_and_is_never_retried(
    market: EventPump, small_city: Registry
) -> None:
    pump, elder = market, an_elder(small_city, nth=11)
    family = bearer(pump, "family", elder.elder_id)
    used = minutes_used(elder)
    morning = body(elder, "meal", window_start="08:30", window_end="12:00")
    with clock.use(clock.SimulatedClock(TWO_PM)):
        placed = post(pump, family, morning, "same-day-0002")
        assert placed.status == 201, placed.text
        assert (placed.json()["status"], placed.json()["payment"]) == ("expired", "free")
        assert placed.json()["dispatch_note"] == WINDOW_PASSED
        order_id = placed.json()["order_id"]
        assert pump.drain_stream("OrdersTable").failed == 0
        assert pump.fire_schedule(DISPATCHER, TWO_PM + timedelta(minutes=10))["retried"] == 0
        assert pump.redeliver_stream("OrdersTable").failed == 0  # duplicate deliveries
        again = post(pump, family, morning, "same-day-0002")  # the family retries the POST
        seen = pump.invoke_http("GET", f"/orders/{order_id}", headers=family)
        steps = pump.invoke_http("GET", f"/orders/{order_id}/events", headers=family)
    assert again.status == 201 and again.json() == placed.json(), again.text  # as first answered
    assert seen.json()["status"] == "expired" and seen.json()["worker_id"] is None
    assert seen.json()["dispatch_note"] == WINDOW_PASSED
    assert [(e["action"], e["status"], e["by"], e["note"]) for e in steps.json()["events"]] == [
        ("place", "placed", steps.json()["events"][0]["by"], None),
        ("expire", "expired", "dispatcher", WINDOW_PASSED),
    ]
    assert minutes_used(elder) == used  # 45 charged, refunded


def test_an_order_waiting_when_its_window_passes_expires_at_the_next_retry(
    market: EventPump, small_city: Registry
) -> None:
    pump, elder = market, an_elder(small_city, nth=14)
    family = bearer(pump, "family", elder.elder_id)
    used = minutes_used(elder)
    tight = body(elder, "meal", window_start="14:00", window_end="14:45")  # no time to ride
    with clock.use(clock.SimulatedClock(TWO_PM)):
        placed = post(pump, family, tight, "same-day-0003")
        assert placed.status == 201 and placed.json()["status"] == "placed", placed.text
        assert pump.drain_stream("OrdersTable").failed == 0
    order_id = placed.json()["order_id"]
    waiting = pump.invoke_http("GET", f"/orders/{order_id}", headers=family).json()
    assert waiting["status"] == "placed" and "unreachable" in waiting["dispatch_note"]
    later = TWO_PM + timedelta(minutes=10)
    with clock.use(clock.SimulatedClock(later)):
        first = pump.fire_schedule(DISPATCHER, later)
        second = pump.fire_schedule(DISPATCHER, later + timedelta(minutes=10))
    assert (first["retried"], first["expired"], second["retried"]) == (1, 1, 0)
    seen = pump.invoke_http("GET", f"/orders/{order_id}", headers=family).json()
    assert (seen["status"], seen["dispatch_note"]) == ("expired", WINDOW_PASSED)
    assert minutes_used(elder) == used


def test_an_order_is_read_by_its_orderer_its_worker_and_officials_in_scope_only(
    market: EventPump, small_city: Registry
) -> None:
    pump, elder, other = market, an_elder(small_city, nth=12), an_elder(small_city, nth=13)
    family = bearer(pump, "family", elder.elder_id)
    placed = post(pump, family, body(elder), "same-day-0003")
    assert placed.status == 201
    pump.drain_stream("OrdersTable")
    order_id = placed.json()["order_id"]

    def read(role: str, scope: str | None) -> int:
        return pump.invoke_http(
            "GET", f"/orders/{order_id}", headers=bearer(pump, role, scope)
        ).status

    mine = pump.invoke_http("GET", f"/orders/{order_id}", headers=family).json()
    assert mine["order_id"] == order_id and mine["elder_id"] == elder.elder_id
    assert mine["status"] == "assigned" and mine["assigned_at"] >= mine["placed_at"]
    assert "location" not in mine and "lat" not in str(mine)  # no address on the wire
    far = "D13" if elder.district_id != "D13" else "D12"
    assert read("worker", mine["worker_id"]) == 200
    assert read("district_official", elder.district_id) == 200
    assert read("city_admin", None) == 200
    assert read("family", other.elder_id) == 403
    assert read("district_official", far) == 403
    assert read("worker", "hw-someone-else") == 403
    missing = pump.invoke_http("GET", "/orders/or-000000000000000000000000", headers=family)
    assert missing.status == 404
    assert missing.json()["error"]["code"] == "not_found"
