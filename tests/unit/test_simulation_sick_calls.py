"""A morning's sick calls in the simulation: the k-th call of every district goes out in one
batch and its re-plans are solved together, which leaves the same routes and marks as
solving each call's re-plans before the next call (cover never leaves a district)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from careroute_synthetic.city import generate_city

from careroute.domain.access import Caller, Role
from careroute.domain.vocabulary import Registry, Steward
from careroute.service_layer.cover import cover_now
from careroute.service_layer.leave import LeaveKeeping, replace_leave
from careroute.service_layer.planning import fan_out
from careroute_local.simulation import solver_pool
from careroute_local.simulation.day import call_batches
from tests.contract.conftest import Backend, memory_backend
from tests.unit.conftest import STREET_AS_OF
from tests.unit.test_plan_community import PLAN_DATE, tick_for
from tests.unit.test_simulation_solver_pool import POLICY

ADMIN = Caller("test-admin", Role.CITY_ADMIN, "")


@pytest.fixture(scope="module")
def two_districts() -> Registry:
    """Heping and Shenhe, a few communities each."""
    return generate_city(5, as_of=STREET_AS_OF, districts=["Heping", "Shenhe"], scale=0.02)


def _district_of(city: Registry) -> dict[str, str]:
    return {c.community_id: c.district_id for c in city.communities}


def _sick(city: Registry, per_district: int) -> list[Steward]:
    """The first stewards of each district, in the city's order (the morning's calls)."""
    district_of, taken = _district_of(city), dict.fromkeys(_district_of(city).values(), 0)
    calls = []
    for steward in city.stewards:
        district = district_of[steward.community_id]
        if taken[district] < per_district:
            taken[district] += 1
            calls.append(steward)
    return calls


def _morning(city: Registry, batches: list[list[Steward]]) -> tuple[dict[str, Any], int]:
    """The night planned, then the sick calls batch by batch, each batch's re-plans solved
    together; the routes of the day (without run ids and search times) and the cover given."""
    backend = memory_backend().holding(city)
    fan_out(tick_for(PLAN_DATE), "night", POLICY, backend.nightly)
    solver_pool.solve_all(backend.queued(), POLICY, backend.community, workers=1)
    covered = 0
    for batch in batches:
        for steward in batch:
            covered += _call_in_sick(backend, steward, PLAN_DATE)
        solved = solver_pool.solve_all(backend.queued(), POLICY, backend.community, workers=1)
        assert all(p.error is None for p in solved)
    routes = {s.steward_id: _plan_only(backend, s, PLAN_DATE) for s in city.stewards}
    routes["marks"] = sorted(backend.overflow.overflowing_on(PLAN_DATE))
    return routes, covered


def _call_in_sick(backend: Backend, steward: Steward, day: date) -> int:
    """As the memory engine's leave call: the leave stored, the day's urgent visits handed on."""
    keeping = LeaveKeeping(backend.stewards, backend.scopes)
    _, newly_away = replace_leave(ADMIN, steward.steward_id, [day], day, keeping)
    return sum(
        cover_now(steward.steward_id, away, "morning", POLICY, backend.nightly)
        for away in newly_away
    )


def _plan_only(backend: Backend, steward: Steward, day: date) -> dict[str, Any] | None:
    document = backend.routes.find_route(steward.steward_id, day)
    if document is not None:
        document = {k: v for k, v in document.items() if k != "run_id"}
        document["stats"] = {k: v for k, v in document["stats"].items() if k != "solve_ms"}
    return document


def test_the_kth_call_of_every_district_goes_in_one_batch_after_the_first_alone(
    two_districts: Registry,
) -> None:
    district_of = {"C1": "D1", "C2": "D1", "C3": "D2", "C4": "D2", "C5": "D3"}
    template = two_districts.stewards[0]
    calls = [replace(template, steward_id=f"W{c}", community_id=c) for c in district_of]
    batches = call_batches(calls, district_of)
    assert [[s.community_id for s in batch] for batch in batches] == [
        ["C1"],
        ["C2", "C3", "C5"],
        ["C4"],
    ]
    assert call_batches([], district_of) == []


def test_batched_sick_calls_leave_the_routes_of_calls_solved_one_by_one(
    two_districts: Registry,
) -> None:
    calls = _sick(two_districts, per_district=2)
    batches = call_batches(calls, _district_of(two_districts))
    assert len(batches) < len(calls)  # some calls share a batch
    one_by_one, covered = _morning(two_districts, [[call] for call in calls])
    batched, covered_batched = _morning(two_districts, batches)
    assert covered > 0  # helpers got cover to plan in
    assert covered_batched == covered
    assert batched == one_by_one
