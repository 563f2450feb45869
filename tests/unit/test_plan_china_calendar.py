"""The nightly plan on China's calendar (chinese-calendar through the memory adapters): a 2026
make-up Saturday gets routes, the National Day week none but weekly elders' visits on its duty
days, an ordinary Saturday none."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters import memory
from careroute.adapters.china_calendar import ChinaCalendar
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.messages.visits import NightlyTick
from careroute.service_layer.planning import CommunityPlanned, fan_out, plan_community
from tests.contract.conftest import Backend, memory_backend

POLICY = load_policy()
MAKE_UP_SATURDAY = date(2026, 10, 10)  # worked to bridge the 2026 National Day week
NATIONAL_DAY = date(2026, 10, 6)  # a Tuesday inside the week off (1-7 October)
DUTY_DAY = date(2026, 10, 5)  # the week's second holiday duty day (domain/holiday_duty.py)
ORDINARY_SATURDAY = date(2026, 10, 17)


@pytest.fixture(scope="module")
def street() -> Registry:
    """Three Heping communities with their visit history as of Friday 9 October 2026."""
    return generate_city(5, as_of=date(2026, 10, 9), districts=["Heping"], scale=0.02)


@pytest.fixture
def backend(street: Registry) -> Backend:
    """The memory adapters, holding the street, on China's calendar."""
    on_china_calendar = replace(memory_backend(), holidays=ChinaCalendar(memory.MemoryHolidays()))
    return on_china_calendar.holding(street)


def plan(ports: Backend, day: date) -> list[CommunityPlanned]:
    evening = datetime.combine(day - timedelta(days=1), time(21, 0), CHINA_TZ)
    fan_out(NightlyTick(scheduled_time=evening.astimezone(UTC)), "run", POLICY, ports.nightly)
    return [plan_community(job, POLICY, ports.community) for job in ports.queued()]


def test_a_make_up_saturday_is_planned_as_a_working_day(backend: Backend) -> None:
    assert all(s.days_off == frozenset({5, 6}) for s in backend.stewards.all_stewards())
    planned = plan(backend, MAKE_UP_SATURDAY)
    assert len(planned) == 3
    assert not any(p.day_off for p in planned)
    assert all(p.planned > 0 for p in planned)


@pytest.mark.parametrize("day", [NATIONAL_DAY, ORDINARY_SATURDAY])
def test_the_national_day_week_and_an_ordinary_saturday_get_no_route(
    backend: Backend, day: date
) -> None:
    planned = plan(backend, day)
    assert len(planned) == 3 and all(p.day_off for p in planned)


def test_a_duty_day_of_the_national_day_week_visits_weekly_elders_only() -> None:
    """Given the street as it stood when the week began (last visits on the weekdays before
    1 October), when 5 October is planned, then the stewards visit the weekly (T1) elders
    whose deadline cannot wait for 8 October, and no other tier."""
    before_the_week = generate_city(5, as_of=date(2026, 10, 1), districts=["Heping"], scale=0.02)
    calendar = ChinaCalendar(memory.MemoryHolidays())
    backend = replace(memory_backend(), holidays=calendar).holding(before_the_week)
    planned = plan(backend, DUTY_DAY)
    assert len(planned) == 3 and not any(p.day_off for p in planned)
    stops = [
        stop
        for steward in backend.stewards.all_stewards()
        for stop in (backend.routes.find_route(steward.steward_id, DUTY_DAY) or {"stops": []})[
            "stops"
        ]
    ]
    assert stops and {stop["tier"] for stop in stops} == {"T1"}
