"""Fixtures shared by some integration test modules (each asks for them by name)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from careroute.domain import clock
from tests.integration.urgent_city import NOW


@pytest.fixture
def at_ten_on_the_plan_date() -> Iterator[None]:
    """The product's clock at 10:00 on PLAN_DATE (the urgent-event tests' moment)."""
    with clock.use(lambda: NOW):
        yield
