"""Test-wide set-up and the local-stack fixtures shared by integration and e2e tests.

The functions' POWERTOOLS_* configuration comes from template.yaml.

Handlers run in the test process, and careroute.observability creates its Logger and
Metrics at first import, so the template's settings must be in the environment before any
test module imports careroute.
"""

from __future__ import annotations

import io
import logging
import os

from careroute_local.paths import TEMPLATE_PATH
from careroute_local.template import load_template

for _function in load_template(TEMPLATE_PATH).functions.values():
    for _name, _value in _function.environment.items():
        if _name.startswith("POWERTOOLS_"):
            os.environ.setdefault(_name, str(_value))

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest

from careroute.config import Settings
from careroute.domain import CHINA_TZ, Registry
from careroute.policy import load_policy
from careroute.services.registry_import import import_registry
from careroute.storage import bind_tables
from careroute.synthetic import generate_city
from careroute_local.main_job import next_working_day
from careroute_local.pump import EventPump
from careroute_local.stack import LocalStack

TODAY = datetime.now(CHINA_TZ).date()
PLAN_DATE = next_working_day(TODAY)


@pytest.fixture(scope="session")
def small_city() -> Registry:
    """Five Heping communities (~600 elders), history as of today."""
    return generate_city(11, as_of=TODAY, districts=["Heping"], scale=0.05)


@pytest.fixture(scope="session")
def session_pump() -> Iterator[EventPump]:
    with (
        mock.patch.dict(os.environ),
        LocalStack(TEMPLATE_PATH, parameters={"LogLevel": "WARNING"}) as stack,
        EventPump(stack) as pump,
    ):
        yield pump


def load_city(pump: EventPump, city: Registry) -> EventPump:
    """Reset the stack and import `city` (as `careroute data import` does)."""
    pump.stack.reset()
    pump.stack.apply_environment()
    bind_tables(Settings.from_env())
    import_registry(city, TODAY, load_policy())
    return pump


@pytest.fixture
def loaded_stack(session_pump: EventPump, small_city: Registry) -> EventPump:
    """A reset stack with the small city imported (as `careroute data import` does)."""
    return load_city(session_pump, small_city)


def nightly_tick_time(plan_date: date) -> datetime:
    """The nightly schedule fires at 21:00 Asia/Shanghai the evening before."""
    evening = datetime.combine(plan_date - timedelta(days=1), datetime.min.time(), CHINA_TZ)
    return evening.replace(hour=21).astimezone(UTC)


@pytest.fixture
def plan_date() -> date:
    return PLAN_DATE


def bearer(pump: EventPump, role: str, scope: str | None = None) -> dict[str, str]:
    """Headers with a dev token for `role` limited to `scope` (what Cognito would issue)."""
    return {"authorization": f"Bearer {pump.issuer.token(role, scope)}"}


@pytest.fixture
def handler_logs() -> Iterator[io.StringIO]:
    """Everything the shared logger writes, at DEBUG, whatever the stack's LogLevel is."""
    from careroute.observability import logger

    stream = io.StringIO()
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(stream)
    level = logger.log_level
    logger.setLevel("DEBUG")
    try:
        yield stream
    finally:
        logger.setLevel(level)
        handler.setStream(previous)
