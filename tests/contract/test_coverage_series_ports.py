"""The month chart's stored series, memory against DynamoDB: each scope's series replaced by
the next count, read back as saved. Then, over the small city with a month of visits
projected into the counters, the chart read from the stored series and today's counters is
the one recounted from every visit record, on both backends."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from careroute.adapters.dynamodb.coverage_series import DynamoSeries
from careroute.adapters.memory_series import MemorySeries
from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind, registry_totals, scopes_of
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Outcome, Registry, VisitRecord
from careroute.service_layer.dashboard import DashboardReading, month_series, store_series
from careroute.service_layer.ports.coverage_series import SeriesStore, StoredSeries
from careroute.service_layer.projection import project
from tests.builders import a_visit_to
from tests.conftest import TODAY
from tests.contract.conftest import Backend, dynamodb_backend, memory_backend

POLICY = load_policy()
ADMIN = Caller("admin", Role.CITY_ADMIN, "")
CITY = Scope(ScopeKind.CITY, "all")


@pytest.fixture
def store(backend: Backend) -> SeriesStore:
    return backend.either(MemorySeries, DynamoSeries)


def a_series(through: date, n: int) -> StoredSeries:
    first = through.replace(day=1)
    days = tuple(
        {"date": (first + timedelta(days=i)).isoformat(), "T1": i, "T2": n, "T3": 0, "ALL": i + n}
        for i in range((through - first).days + 1)
    )
    return StoredSeries(through, days)


def test_each_scopes_series_reads_back_until_the_next_count_replaces_it(store: SeriesStore) -> None:
    month, district = TODAY.strftime("%Y-%m"), Scope(ScopeKind.DISTRICT, "D01")
    assert store.read_series(month, CITY) is None
    assert store.save_series(month, {CITY: a_series(TODAY, 2), district: a_series(TODAY, 1)}) == 2
    assert store.read_series(month, CITY) == a_series(TODAY, 2)
    assert store.read_series(month, district) == a_series(TODAY, 1)
    store.save_series(month, {CITY: StoredSeries(TODAY.replace(day=1) - timedelta(days=1), ())})
    assert store.read_series(month, CITY) == StoredSeries(
        TODAY.replace(day=1) - timedelta(days=1), ()
    )
    assert store.read_series("2001-01", CITY) is None


def month_of_visits(city: Registry, today: date) -> list[VisitRecord]:
    """Of the first 300 active elders, each last visited this month: that visit, and a
    not-home try the day before for every fifth; every tenth not yet visited this month is
    visited today."""
    first = today.replace(day=1)
    steward_of = {s.community_id: s.steward_id for s in city.stewards}
    active = [e for e in city.elders if e.status is ElderStatus.ACTIVE][:300]
    found: list[VisitRecord] = []
    for n, elder in enumerate(active):
        last = elder.last_visited_on
        fresh = last is None or last < first
        day = today if fresh and n % 10 == 0 and len(found) < 400 else last
        if day is None or day < first:
            continue
        at = datetime.combine(day, time(9), CHINA_TZ) + timedelta(minutes=n % 400)
        tier = POLICY.tier_of(elder, day)
        steward = steward_of[elder.community_id]
        found.append(a_visit_to(elder, f"v{n}", at, steward_id=steward, tier=tier))
        if n % 5 == 0 and day > first:
            found.append(a_visit_to(elder, f"t{n}", at - timedelta(days=1), steward_id=steward,
                                    tier=tier, outcome=Outcome.NOT_HOME))  # fmt: skip
    return found


def test_the_stored_series_and_todays_counters_chart_what_the_visits_recount(
    session_pump: Any, small_city: Registry
) -> None:
    month = TODAY.strftime("%Y-%m")
    first = small_city.communities[0]
    scopes = [CITY, Scope(ScopeKind.DISTRICT, first.district_id),
              Scope(ScopeKind.COMMUNITY, first.community_id)]  # fmt: skip
    answers = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        backend.holding(small_city)
        chains = {c.community_id: scopes_of(c.community_id, c.street_id, c.district_id)
                  for c in small_city.communities}  # fmt: skip
        totals = registry_totals(small_city.elders, chains, TODAY, POLICY)
        backend.coverage.save_registry_totals(totals)
        store: SeriesStore = backend.either(MemorySeries, DynamoSeries)
        visits = month_of_visits(small_city, TODAY)
        for visit in visits:
            backend.visits.save_visit_once(visit, visit.visit_id)
            project(visit, POLICY, backend.projection)
        stored = DashboardReading(
            backend.communities, backend.visits, backend.coverage, backend.scopes, store
        )
        recounted = DashboardReading(
            backend.communities, backend.visits, backend.coverage, backend.scopes
        )
        before = [month_series(ADMIN, month, str(s), TODAY, recounted) for s in scopes]
        written = store_series(TODAY, small_city.communities, False, backend.visits, store)
        assert written >= len(small_city.communities) + 2
        assert store.read_series(month, CITY) is not None
        after = [month_series(ADMIN, month, str(s), TODAY, stored) for s in scopes]
        answers.append((before, after))

    on_memory, on_dynamodb = answers
    before, after = on_memory
    assert after == before
    city = after[0]["days"]
    # Today's point comes from the live counters (equal to the recount above); on a month's
    # last days every elder of the sample may be visited already, so it need not rise.
    assert city[-1]["date"] == TODAY.isoformat() and city[-1]["ALL"] >= city[-2]["ALL"] > 0
    assert on_memory == on_dynamodb
