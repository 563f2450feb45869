"""Home care bed visits over a horizon, with the stewards' horizon rules: each visit on a day
between `lookahead_days` and `retry_days` before its cadence deadline (the least-loaded, ties
the latest), a bed whose last visit found nobody home tried again at once, a visit on its
deadline mandatory, a full window spilling to the earliest day with room (overflow)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from careroute.domain.bed_visits import BedVisitOutcome, awaiting_retry
from careroute.domain.providers import Provider, ServiceWorker
from careroute.domain.vocabulary import GeoPoint
from careroute.planning.bed_horizon import day_candidates, plan_bed_horizon, provider_capacity
from careroute.planning.horizon import DayCapacity
from tests.unit.test_beds import POLICY, a_bed, a_visit

ROOMY = DayCapacity(visits=20, minutes=1_200, travel_minutes_per_visit=0)
ONE_A_DAY = DayCapacity(visits=1, minutes=1_200, travel_minutes_per_visit=0)
NOV_11 = date(2026, 11, 11)


def test_each_visit_gets_a_day_inside_its_window_and_the_day_due_ones_are_mandatory() -> None:
    beds = [a_bed("B1"), a_bed("B2"), a_bed("B3"), a_bed("B4")]  # accepted 20 October
    history = [
        a_visit("B1", date(2026, 10, 28)),  # due 11 Nov: today
        a_visit("B2", date(2026, 10, 29)),  # due 12 Nov: its window is today only
        a_visit("B3", date(2026, 10, 31)),  # due 14 Nov: 12 or 13 Nov, the later
    ]  # B4 never served: due 3 Nov, overdue
    plan = plan_bed_horizon(beds, history, NOV_11, POLICY, ROOMY)
    assert plan.last_day == date(2026, 11, 30)
    first = {v.bed.bed_id: (v.day, v.deadline) for v in plan.visits if v.occurrence == 0}
    assert first == {
        "B1": (NOV_11, NOV_11),
        "B2": (NOV_11, date(2026, 11, 12)),
        "B3": (date(2026, 11, 13), date(2026, 11, 14)),
        "B4": (NOV_11, date(2026, 11, 3)),
    }
    # the next visit runs from the day given to the one before
    b1 = [(v.day, v.deadline) for v in plan.visits if v.bed.bed_id == "B1"]
    assert b1 == [(NOV_11, NOV_11), (date(2026, 11, 24), date(2026, 11, 25))]
    chosen = day_candidates(plan, NOV_11, POLICY)
    assert [(c.bed.bed_id, c.due, c.penalty) for c in chosen] == [
        ("B4", date(2026, 11, 3), None),
        ("B1", NOV_11, None),
        ("B2", date(2026, 11, 12), POLICY.base_penalty * 2),
    ]
    assert plan.stats() == {"last_day": "2026-11-30", "visits": 8, "today": 3, "overflow": 0}


def test_a_bed_whose_last_visit_found_nobody_home_is_tried_again_first() -> None:
    bed = a_bed("B3")
    history = [
        a_visit("B3", date(2026, 10, 31)),
        a_visit("B3", date(2026, 11, 10), BedVisitOutcome.NOT_HOME),
    ]
    assert awaiting_retry(history, NOV_11) == {"B3"}
    assert awaiting_retry(history, date(2026, 11, 10)) == set()
    plan = plan_bed_horizon([bed], history, NOV_11, POLICY, ROOMY)
    first = plan.visits[0]
    assert (first.day, first.deadline, first.retry) == (NOV_11, date(2026, 11, 14), True)
    # three days left, one nearer for the retry: the penalty of a visit due in two days
    assert day_candidates(plan, NOV_11, POLICY)[0].penalty == POLICY.base_penalty * 1


def test_a_full_window_spills_to_the_earliest_day_with_room_as_overflow() -> None:
    beds = [a_bed(f"B{n}") for n in range(1, 4)]
    history = [a_visit(b.bed_id, date(2026, 10, 31)) for b in beds]  # all due 14 Nov
    plan = plan_bed_horizon(beds, history, NOV_11, POLICY, ONE_A_DAY)
    first = sorted((v.bed.bed_id, v.day, v.overflow) for v in plan.visits if v.occurrence == 0)
    assert first == [
        ("B1", date(2026, 11, 13), False),
        ("B2", date(2026, 11, 12), False),
        ("B3", NOV_11, True),
    ]
    assert [v.bed.bed_id for v in plan.overflow()] == ["B3"]


def test_without_a_retry_margin_the_visit_goes_on_the_deadline_day() -> None:
    history = [a_visit("B3", date(2026, 10, 31))]
    no_margin = replace(POLICY, retry_days=0, lookahead_days=0)
    plan = plan_bed_horizon([a_bed("B3")], history, NOV_11, no_margin, ROOMY)
    assert (plan.visits[0].day, plan.visits[0].mandatory) == (date(2026, 11, 14), True)


def test_a_providers_day_is_its_workers_shifts_less_lunch_and_the_ride_to_a_bed() -> None:
    base = GeoPoint(41.8, 123.4)
    provider = Provider("P1", "D1", base, frozenset({"personal_care"}))
    workers = [ServiceWorker(f"W{n}", "P1", frozenset({"personal_care"})) for n in (1, 2)]
    capacity = provider_capacity(provider, workers, [a_bed("B1")], POLICY, 1.3)
    # 2 x (10 h shift - 1 h lunch) = 1,080 minutes, 90 % of it; the bed is at the base
    assert capacity == DayCapacity(visits=16, minutes=972, travel_minutes_per_visit=0.0)
