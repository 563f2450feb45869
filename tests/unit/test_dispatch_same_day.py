"""Dispatching on the service date itself: nothing is planned into a time that has passed.
What was planned before now stays where it was; the new order and every later one start no
earlier than now; a worker idle at the base leaves no earlier than now; an order whose
window has no room left today is not placed, and says why."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from careroute.domain.orders import Order, OrderStatus
from careroute.domain.providers import ServiceWorker
from careroute.domain.vocabulary import GeoPoint, TimeWindow, parse_clock
from careroute.planning.dispatch import build_problem, insert_order
from careroute.planning.travel import HaversineTravel
from careroute.routing.fleet_router import solve_fleet
from careroute.routing.fleet_validator import validate_fleet
from careroute.routing.model import SolveLimits
from tests import builders
from tests.builders import BASE

BIKE = HaversineTravel(12.0)
DAY = TimeWindow.parse("08:00", "18:00")
CLEANERS = [ServiceWorker(f"hw-{n}", "hp-1", frozenset({"cleaning"})) for n in (1, 2)]
TWO_PM = parse_clock("14:00")
SMALL_DAY = SolveLimits(time_limit_ms=200)
"""A provider's day of a few orders is solved well before the dispatcher's 500 ms."""


def an_order(n: int, window: TimeWindow = DAY) -> Order:
    """A cleaning order placed at 13:00 on its service day, n x (440 m north, 160 m east)
    of the base."""
    return builders.an_order(
        n,
        window=window,
        location=GeoPoint(BASE.lat + n * 0.004, BASE.lng + n * 0.002),
        placed_at=datetime(2026, 12, 2, 5, 0, tzinfo=UTC),
    )


def start_of(routes: dict[str, list[tuple[str, int]]], order_id: str) -> int:
    return next(s for stops in routes.values() for o, s in stops if o == order_id)


def test_a_same_day_order_is_planned_after_now_not_at_the_window_start() -> None:
    early = insert_order(BASE, CLEANERS, [], an_order(1), BIKE, SMALL_DAY)
    assert early.worker_id is not None and start_of(early.routes, "or-1") < TWO_PM

    inserted = insert_order(BASE, CLEANERS, [], an_order(1), BIKE, SMALL_DAY, now_s=TWO_PM)
    assert inserted.worker_id is not None
    assert start_of(inserted.routes, "or-1") >= TWO_PM


def test_orders_planned_before_now_stay_put_and_later_ones_do_not_move_into_the_past() -> None:
    """hw-1 did or-1 at 09:00 and has or-2 at 15:00; at 14:00 a new order comes in."""
    one = CLEANERS[:1]
    booked = [
        replace(an_order(1), status=OrderStatus.COMPLETED, worker_id="hw-1"),
        replace(an_order(2), status=OrderStatus.ACCEPTED, worker_id="hw-1"),
    ]
    planned = {"or-1": parse_clock("09:00"), "or-2": parse_clock("15:00")}
    inserted = insert_order(
        BASE, one, booked, an_order(3), BIKE, SMALL_DAY, now_s=TWO_PM, planned=planned
    )
    assert inserted.worker_id == "hw-1"
    assert start_of(inserted.routes, "or-1") == parse_clock("09:00")
    assert start_of(inserted.routes, "or-2") >= TWO_PM
    assert start_of(inserted.routes, "or-3") >= TWO_PM


def test_a_window_with_no_room_left_today_is_not_placed_and_says_why() -> None:
    morning = TimeWindow.parse("08:00", "12:00")
    inserted = insert_order(BASE, CLEANERS, [], an_order(1, morning), BIKE, SMALL_DAY, now_s=TWO_PM)
    assert inserted.worker_id is None
    assert inserted.reason.startswith("too late today")
    # 16:45 leaves 75 minutes of 08:00-18:00: too short for 90 minutes of cleaning.
    late = insert_order(
        BASE, CLEANERS, [], an_order(2), BIKE, SMALL_DAY, now_s=parse_clock("16:45")
    )
    assert late.worker_id is None and late.reason.startswith("too late today")


def test_an_idle_worker_leaves_the_base_no_earlier_than_now_and_the_plan_validates() -> None:
    problem = build_problem(BASE, CLEANERS, [], an_order(1), BIKE, now_s=TWO_PM)
    assert all(w.shift.start == TWO_PM for w in problem.workers)
    assert all(w.break_ is None for w in problem.workers)  # lunch (12-13) is over
    result = solve_fleet(problem, SMALL_DAY)
    assert validate_fleet(problem, result) == []
    [route] = [r for r in result.routes if r.stops]
    assert route.departure >= TWO_PM


def test_a_later_service_date_is_planned_over_the_whole_window() -> None:
    problem = build_problem(BASE, CLEANERS, [], an_order(1), BIKE)
    assert problem.stops[0].windows == (DAY,)
    assert all(w.shift.start == parse_clock("08:00") for w in problem.workers)
