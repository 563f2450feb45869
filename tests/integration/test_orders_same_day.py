"""Same-day home-service orders through the real dispatcher (orders stream -> fleet router)
on a simulated clock: an order placed at 14:00 for today is planned after 14:00, never into
the morning; one whose window is over waits and says why. And GET /orders/{order_id}: the
orderer, the assigned worker and officials in scope read it; nobody else does."""

from __future__ import annotations

from datetime import datetime, timedelta

from careroute import clock
from careroute.domain import CHINA_TZ, Registry
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, bearer
from tests.integration.test_orders import an_elder, body, market, post

__all__ = ["market"]  # the module's stack: the small city and its synthetic providers

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


def test_an_order_for_today_whose_window_is_over_waits_and_says_why(
    market: EventPump, small_city: Registry
) -> None:
    pump, elder = market, an_elder(small_city, nth=11)
    family = bearer(pump, "family", elder.elder_id)
    morning = body(elder, "meal", window_start="08:30", window_end="12:00")
    with clock.use(clock.SimulatedClock(TWO_PM)):
        placed = post(pump, family, morning, "same-day-0002")
        assert placed.status == 201, placed.text
        assert pump.drain_stream("OrdersTable").failed == 0
        seen = pump.invoke_http("GET", f"/orders/{placed.json()['order_id']}", headers=family)
    assert seen.json()["status"] == "placed"
    assert seen.json()["worker_id"] is None
    assert "too late today" in seen.json()["dispatch_note"]


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
