"""Test-wide set-up and the local-stack fixtures shared by integration and e2e tests.

"Today" comes from one place: `TODAY`, a fixed date overridable with
CAREROUTE_TEST_TODAY=YYYY-MM-DD, so the suite answers the same on every day of the year.
The product's clock (careroute.domain.clock) runs from 09:00 Asia/Shanghai of that day for the
whole session; `china_now()` reads it, and `careroute` subprocesses get it as $CAREROUTE_NOW.

The functions' POWERTOOLS_* configuration comes from template.yaml.

Handlers run in the test process, and careroute.observability creates its Logger and
Metrics at first import, so the template's settings must be in the environment before any
test module imports careroute.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os

from careroute_local.paths import TEMPLATE_PATH
from careroute_local.template import load_template
from tests.botocore_loader import share_one_loader

share_one_loader()

for _function in load_template(TEMPLATE_PATH).functions.values():
    for _name, _value in _function.environment.items():
        if _name.startswith("POWERTOOLS_"):
            os.environ.setdefault(_name, str(_value))

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.china_calendar import PACKAGE_HOLIDAYS
from careroute.adapters.dynamodb import bind_tables
from careroute.adapters.dynamodb.repositories import registry_loading
from careroute.domain import clock
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.entrypoints.config import Settings
from careroute.service_layer import container_cache
from careroute.service_layer.registry_import import import_registry
from careroute_local.main_job import next_working_day
from careroute_local.pump import EventPump
from careroute_local.stack import LocalStack
from careroute_local.synthetic_tables import load_canteens_and_facilities
from tests.walked_city import shifted_history, walk_nights

DEFAULT_TODAY = "2026-12-05"


def _test_today() -> date:
    text = os.environ.get("CAREROUTE_TEST_TODAY") or DEFAULT_TODAY
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"CAREROUTE_TEST_TODAY must be YYYY-MM-DD, got {text!r}") from None


TODAY = _test_today()
PLAN_DATE = next_working_day(TODAY)
SESSION_START = datetime.combine(TODAY, time(9, 0), CHINA_TZ)
TEST_CLOCK = clock.RunningClock(SESSION_START)


def china_now() -> datetime:
    """The test session's "now" (Asia/Shanghai): TODAY 09:00 plus the time the run has taken."""
    return TEST_CLOCK().astimezone(CHINA_TZ)


def cli_environment(**extra: str) -> dict[str, str]:
    """The environment of a `careroute` subprocess: a bare PATH, the session's clock, `extra`."""
    inherited = {k: os.environ[k] for k in ("PYTHONPATH",) if k in os.environ}
    return {"PATH": "/usr/bin:/bin", **inherited, "CAREROUTE_NOW": china_now().isoformat(), **extra}


@pytest.fixture(autouse=True)
def forget_container_caches() -> Iterator[None]:
    """Each test reads the policy, holidays and directories from the tables it set up, not
    from what a handler cached during the test before (as a fresh container would)."""
    container_cache.forget_all()
    yield
    container_cache.forget_all()


@pytest.fixture(scope="session", autouse=True)
def product_clock() -> Iterator[None]:
    """Every handler and service called in-process reads the session's clock."""
    with clock.use(TEST_CLOCK):
        yield


def history_date(city: Registry) -> date:
    """The day a city's registry stands on: TODAY, or its latest visit when the product's own
    nights were walked past TODAY (holiday duty days between TODAY and the plan date)."""
    visited = [e.last_visited_on for e in city.elders if e.last_visited_on is not None]
    return max([TODAY, *visited])


WARM_UP = timedelta(weeks=4)
"""How long before TODAY the product's own nights start when a public holiday is near."""


@pytest.fixture(scope="session")
def small_city() -> Registry:
    """Eight Heping communities (~1,000 elders), history as of today.

    The synthetic history is an ordinary month's rhythm. With a public holiday between four
    weeks before TODAY and PLAN_DATE (the eve of the National Day week, the week after it),
    the city is the one the product leaves instead: the same rhythm four weeks earlier, then
    every night planned and walked up to PLAN_DATE (tests/walked_city.py)."""
    return heping_city(scale=0.05)


@pytest.fixture(scope="session")
def tiny_city() -> Registry:
    """Two Heping communities (~260 elders), made as `small_city` is: for the tests whose
    work grows with every elder of the city (imports and exports of whole data sets, the
    benefit scan's first run) while what they prove does not."""
    return heping_city(scale=0.01)


def heping_city(scale: float) -> Registry:
    city = generate_city(11, as_of=TODAY, districts=["Heping"], scale=scale)
    start = TODAY - WARM_UP
    if not any(start <= day < PLAN_DATE for day in PACKAGE_HOLIDAYS):
        return city
    return walk_nights(shifted_history(city, WARM_UP), start, PLAN_DATE, load_policy())


@pytest.fixture(scope="session")
def session_pump() -> Iterator[EventPump]:
    with (
        mock.patch.dict(os.environ),
        LocalStack(TEMPLATE_PATH, parameters={"LogLevel": "WARNING"}) as stack,
        EventPump(stack) as pump,
    ):
        yield pump


def load_city(pump: EventPump, city: Registry) -> EventPump:
    """Reset the stack and import `city`, with its synthetic canteens and service facilities
    (as `careroute data import` does).

    The first load of a city in a session imports it and keeps a snapshot of the tables; later
    loads restore that snapshot in one request (the same items, stream records included, and
    empty queues: tests/integration/local_stack/test_snapshots.py proves it)."""
    snapshot = city_snapshot_name(city)
    if not restore_snapshot(pump, snapshot):
        pump.stack.reset()
        import_registry(city, TODAY, load_policy(), registry_loading())
        load_canteens_and_facilities(city.communities)
        pump.stack.snapshot(snapshot)
    return pump


def restore_snapshot(pump: EventPump, name: str) -> bool:
    """Restore the tables kept as `name` (False when none was kept), and bind the adapters to
    the stack's tables either way."""
    restored = pump.stack.restore(name)
    pump.stack.apply_environment()
    bind_tables(Settings.from_env())
    return restored


def city_snapshot_name(city: Registry) -> str:
    """One snapshot per city content (every field of its communities, stewards and elders,
    histories included), whatever object holds it."""
    return "city-" + hashlib.sha256(repr(city).encode()).hexdigest()[:16]


@pytest.fixture
def loaded_stack(session_pump: EventPump, small_city: Registry) -> EventPump:
    """A reset stack with the small city imported (as `careroute data import` does)."""
    return load_city(session_pump, small_city)


@pytest.fixture
def tiny_stack(session_pump: EventPump, tiny_city: Registry) -> EventPump:
    """A reset stack with the tiny city imported."""
    return load_city(session_pump, tiny_city)


def nightly_tick_time(plan_date: date) -> datetime:
    """The nightly schedule fires at 21:00 Asia/Shanghai the evening before."""
    evening = datetime.combine(plan_date - timedelta(days=1), datetime.min.time(), CHINA_TZ)
    return evening.replace(hour=21).astimezone(UTC)


@pytest.fixture
def plan_date() -> date:
    return PLAN_DATE


TOKEN_VALIDITY = {
    "iat": int((SESSION_START - timedelta(days=1100)).timestamp()),
    "exp": int((SESSION_START + timedelta(days=1100)).timestamp()),
}
"""Tests move the stack's clock (a visit this afternoon, an order next week, a fixed day in
December 2026 whatever TODAY is); their tokens are valid around all of it, as a phone would
hold a fresh one at each of those moments."""


def bearer(pump: EventPump, role: str, scope: str | None = None) -> dict[str, str]:
    """Headers with a dev token for `role` limited to `scope` (what Cognito would issue)."""
    return {"authorization": f"Bearer {pump.issuer.token(role, scope, extra=TOKEN_VALIDITY)}"}


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
