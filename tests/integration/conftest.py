"""Fixtures shared by some integration test modules (each asks for them by name)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from careroute.domain import clock
from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import load_city
from tests.integration.urgent_city import NOW


@pytest.fixture
def at_ten_on_the_plan_date() -> Iterator[None]:
    """The product's clock at 10:00 on PLAN_DATE (the urgent-event tests' moment)."""
    with clock.use(lambda: NOW):
        yield


@pytest.fixture(scope="module")
def read_only_stack(session_pump: EventPump, small_city: Registry) -> EventPump:
    """The small city loaded once for a module whose tests only read (`loaded_stack` loads it
    again for each test)."""
    return load_city(session_pump, small_city)
