"""The stored capacity forecast's port, memory against DynamoDB: each district's forecast of
a month replaced whole and read back as it was made. Then, over two districts, the forecast
an official reads from the stored districts is the one forecast over the registry on
request, for the city, a district, a street and a community, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.dynamodb.capacity_view import DynamoCapacityView
from careroute.adapters.memory_capacity_view import MemoryCapacityView
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.planning.capacity import Assumptions
from careroute.service_layer.capacity import (
    CapacityReading,
    capacity_forecast,
    forecast_read,
    keep_forecasts,
    stored_forecast,
)
from careroute.service_layer.ports.capacity_view import CapacityView, DistrictForecast
from tests.contract.conftest import Backend, dynamodb_backend, memory_backend

POLICY = load_policy()
DECEMBER, JANUARY = date(2026, 12, 1), date(2027, 1, 1)
MADE_ON = date(2026, 11, 28)
CITY = Scope(ScopeKind.CITY, "all")


def view_of(backend: Backend) -> CapacityView:
    return backend.either(MemoryCapacityView, DynamoCapacityView)


@pytest.fixture(scope="module")
def two_districts() -> Registry:
    """A few communities of Heping and Shenhe, history as of 20 November 2026."""
    return generate_city(3, as_of=date(2026, 11, 20), districts=["Heping", "Shenhe"], scale=0.06)


def reading(backend: Backend, city: Registry) -> CapacityReading:
    backend.holding(city)
    return CapacityReading(backend.communities, backend.stewards, backend.elders, backend.holidays)


def test_each_districts_forecast_reads_back_as_it_was_made(
    backend: Backend, two_districts: Registry
) -> None:
    view = view_of(backend)
    ports = reading(backend, two_districts)
    whole = capacity_forecast(DECEMBER, POLICY, ports, CITY)
    assert view.read_forecasts(DECEMBER) == {}
    assert keep_forecasts([DECEMBER], two_districts, POLICY, ports.holidays, view, MADE_ON) == 2
    stored = view.read_forecasts(DECEMBER)
    assert sorted(stored) == sorted({c.district_id for c in two_districts.communities})
    assert view.read_forecasts(JANUARY) == {}
    for district_id, part in stored.items():
        assert part.as_of == MADE_ON and part.forecast.month == DECEMBER
        assert part.forecast.communities == tuple(
            c for c in whole.communities if c.district_id == district_id
        )
        assert part.forecast.streets == tuple(
            s for s in whole.streets if s.district_id == district_id
        )

    first = sorted(stored)[0]
    emptied = replace(stored[first].forecast, communities=(), streets=())
    later = MADE_ON + timedelta(days=1)
    assert view.save_forecasts([DistrictForecast(first, later, emptied)]) == 1
    assert view.read_forecasts(DECEMBER)[first] == DistrictForecast(first, later, emptied)


def test_the_forecast_read_from_the_stored_districts_is_the_one_made_on_request(
    session_pump: Any, two_districts: Registry
) -> None:
    """Stored for December and January; a street, a community, a district and the city read
    from the view equal the forecast over the registry, on memory and DynamoDB alike. Other
    assumptions, or a month not stored, are forecast on request."""
    first = sorted(two_districts.communities, key=lambda c: c.community_id)[0]
    scopes = [CITY, Scope(ScopeKind.DISTRICT, first.district_id),
              Scope(ScopeKind.STREET, first.street_id),
              Scope(ScopeKind.COMMUNITY, first.community_id)]  # fmt: skip
    answers = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        view, ports = view_of(backend), reading(backend, two_districts)
        assert stored_forecast(DECEMBER, CITY, backend.scopes, view) is None
        keep_forecasts([DECEMBER, JANUARY], two_districts, POLICY, ports.holidays, view, MADE_ON)
        answer = []
        for month in (DECEMBER, JANUARY):
            for scope in scopes:
                found = stored_forecast(month, scope, backend.scopes, view)
                assert found is not None and found[1] == MADE_ON
                assert found[0] == capacity_forecast(month, POLICY, ports, scope), (month, scope)
                answer.append(found[0])
        hard = Assumptions(attempt_success=0.2)
        assert forecast_read(DECEMBER, POLICY, ports, CITY, hard, backend.scopes, view) == (
            capacity_forecast(DECEMBER, POLICY, ports, CITY, hard)
        )
        february = date(2027, 2, 1)
        assert stored_forecast(february, CITY, backend.scopes, view) is None
        assert forecast_read(
            february, POLICY, ports, CITY, Assumptions(), backend.scopes, view
        ) == (capacity_forecast(february, POLICY, ports, CITY))
        answers.append(answer)
    on_memory, on_dynamodb = answers
    assert on_memory == on_dynamodb
    assert len(on_memory[0].communities) == len(two_districts.communities)
    assert len(on_memory[-1].communities) == 1
