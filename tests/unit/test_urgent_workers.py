"""An urgent visit in a home-service worker's day: booked orders stay (inside their windows),
what has started stays, the rest is re-timed by the fleet router and validated; the
provider's order dispatch and a steward's re-plan keep urgent visits already placed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from careroute_synthetic.city import generate_city

from careroute.domain.orders import Order, OrderStatus, Payment, ServiceType
from careroute.domain.providers import ServiceWorker
from careroute.domain.vocabulary import (
    GeoPoint,
    Registry,
    TimeWindow,
    TravelMode,
    format_clock,
    parse_clock,
)
from careroute.planning.dispatch import insert_order
from careroute.planning.travel import HaversineTravel
from careroute.planning.urgent_holds import UrgentHold, urgent_stop_id
from careroute.planning.urgent_route import UrgentVisit, insert_urgent, urgent_stops
from careroute.planning.urgent_workers import WorkerDay, insert_for_worker, without
from careroute.routing import SolveLimits
from careroute.service_layer.route_plan import plan_day
from tests.builders import an_elder, free_after_visit
from tests.unit.urgent_day import DAY, POLICY, at

BASE = GeoPoint(41.79, 123.40)
TRAVEL = HaversineTravel(POLICY.speed_kmh[TravelMode.BIKE], POLICY.circuity)
WORKER = ServiceWorker("hw-D1-care-01", "hp-D1-care", frozenset({"bathing", "escort"}))


def booked(n: int, window: str, east_km: float, worker: str = WORKER.worker_id) -> Order:
    start, end = window.split("-")
    return Order(
        order_id=f"or-{n}",
        elder_id=f"E{n}",
        community_id="C1",
        street_id="S1",
        district_id="D1",
        service=ServiceType.BATHING,
        service_date=DAY,
        window=TimeWindow.parse(start, end),
        location=GeoPoint(BASE.lat, BASE.lng + east_km / 83.0),
        placed_at=at("07:00"),
        placed_by="family",
        payment=Payment.SELF_PAID,
        status=OrderStatus.ACCEPTED,
        provider_id="hp-D1-care",
        worker_id=worker,
    )


def day_with(*orders: Order, starts: tuple[int, ...]) -> WorkerDay:
    stops = tuple((o.order_id, s) for o, s in zip(orders, starts, strict=True))
    return WorkerDay(WORKER, BASE, stops, orders, ())


ELDER_AT = GeoPoint(BASE.lat + 0.01, BASE.lng)
ELDER = replace(an_elder(), location=ELDER_AT)


def test_the_urgent_visit_goes_in_on_time_and_every_booked_order_stays_in_its_window() -> None:
    first, second = booked(1, "09:00-10:30", 1.0), booked(2, "10:30-14:00", 2.0)
    day = day_with(first, second, starts=(parse_clock("09:05"), parse_clock("10:40")))
    now = at("10:10")
    visit = UrgentVisit("in-1", ELDER, now + timedelta(minutes=20), 30 * 60)
    inserted = insert_for_worker(day, visit, now, TRAVEL)
    assert inserted is not None
    stops = dict(inserted.stops)
    assert stops[first.order_id] == parse_clock("09:05")  # started before now: as it was
    assert inserted.eta <= parse_clock("10:30")
    assert inserted.hold.window == TimeWindow(parse_clock("10:10"), parse_clock("11:00"))
    # the worker leaves from the finished bath (not the base) at once
    assert inserted.eta == parse_clock("10:10") + TRAVEL.seconds(first.location, ELDER_AT)
    start = stops[second.order_id]
    assert second.window.start <= start and start + 3600 <= second.window.end
    assert list(stops) == [first.order_id, urgent_stop_id("in-1"), second.order_id]


def test_a_worker_whose_day_cannot_take_it_without_dropping_an_order_is_no_candidate() -> None:
    tight = booked(1, "10:20-11:20", 2.0)  # a bath that must start at 10:20
    day = day_with(tight, starts=(parse_clock("10:20"),))
    now = at("10:00")
    visit = UrgentVisit("in-2", ELDER, now + timedelta(minutes=20), 30 * 60)
    assert insert_for_worker(day, visit, now, TRAVEL) is None
    late = UrgentVisit("in-2", ELDER, now + timedelta(minutes=20), 30 * 60, 3 * 3600)
    inserted = insert_for_worker(day, late, now, TRAVEL)  # the late pass: after the bath
    assert inserted is not None and dict(inserted.stops)[tight.order_id] == parse_clock("10:20")


def test_after_the_shift_or_taken_off_again() -> None:
    day = day_with(starts=())
    assert insert_for_worker(day, UrgentVisit("x", ELDER, at("18:30"), 1800), at("18:05"),
                             TRAVEL) is None  # fmt: skip
    inserted = insert_for_worker(day, UrgentVisit("x", ELDER, at("11:00"), 1800), at("10:40"),
                                 TRAVEL)  # fmt: skip
    assert inserted is not None
    placed = WorkerDay(WORKER, BASE, inserted.stops, (), (inserted.hold,))
    assert without(placed, "x") == day_with(starts=())


def test_dispatching_a_new_order_keeps_the_urgent_visit_with_its_worker() -> None:
    other = ServiceWorker("hw-D1-care-02", "hp-D1-care", frozenset({"bathing"}))
    hold = UrgentHold(
        "in-3", WORKER.worker_id, ELDER_AT, TimeWindow(parse_clock("10:00"), parse_clock("10:50")),
        1800,
    )  # fmt: skip
    mine = booked(1, "08:00-18:00", 1.0)
    new = replace(booked(2, "10:00-11:30", 0.2, worker=""), status=OrderStatus.PLACED)
    small_day = SolveLimits(time_limit_ms=200)  # two orders and a hold: settled long before
    inserted = insert_order(BASE, [WORKER, other], [mine], new, TRAVEL, small_day, held=[hold])
    assert inserted.worker_id == other.worker_id  # the responder's 10:00-10:50 is taken
    kept = dict(inserted.routes[WORKER.worker_id])
    assert hold.window.start <= kept[hold.stop_id] <= hold.window.end - hold.service_seconds
    assert mine.order_id in kept


@pytest.fixture(scope="module")
def city() -> Registry:
    return generate_city(11, as_of=DAY, districts=["Heping"], scale=0.05)


def test_a_re_plan_of_a_stewards_day_keeps_the_urgent_stop_inside_its_window(
    city: Registry,
) -> None:
    steward = city.stewards[0]
    community = next(c for c in city.communities if c.community_id == steward.community_id)
    elders = [e for e in city.elders if e.community_id == community.community_id]
    planned = plan_day(community, steward, elders, DAY, POLICY)
    assert planned is not None
    now = at(format_clock(free_after_visit(planned.document, "10:40")))
    visit = UrgentVisit("in-4", elders[3], now + timedelta(minutes=20), 30 * 60)
    inserted = insert_urgent(planned.document, community, steward, visit, now, POLICY)
    assert inserted is not None
    [stop] = urgent_stops(inserted.document)
    again = plan_day(community, steward, elders, DAY, POLICY, urgent=[stop])
    assert again is not None
    [kept] = urgent_stops(again.document)
    assert kept["incident_id"] == "in-4" and kept["window"] == stop["window"]
    assert stop["window"]["start"] <= kept["service_start"] <= kept["window"]["end"]
    assert parse_clock(kept["service_end"]) <= parse_clock(stop["window"]["end"])
    assert urgent_stops(planned.document) == []
