"""The ports of the officials' reads, memory against DynamoDB: which scopes the registry
knows, the visits of a scope by the day they were made, a month's counters read whole and
overwritten. Then the scope check, the dashboard's map and month chart, the overdue list and
the coverage drift check over the same registry and visits on both backends: the same
answers and the same errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Projection, Scope, ScopeKind
from careroute.domain.errors import ForbiddenError, NotFoundError, ValidationError
from careroute.domain.vocabulary import Outcome, Registry, VisitRecord
from careroute.service_layer.coverage_check import CoverageCheck, check_month, rebuild_month
from careroute.service_layer.dashboard import DashboardReading, month_series, scope_map
from careroute.service_layer.officials import OverdueReading, overdue_in
from careroute.service_layer.scope_access import readable_known_scope
from tests.builders import CITY_ADMIN
from tests.conftest import TODAY
from tests.contract.conftest import Backend, assert_same_answers, dynamodb_backend, memory_backend
from tests.contract.test_projection_ports import MORNING, POLICY, totals, visit
from tests.contract.test_ticket_ports import other_community_elder

CITY = Scope(ScopeKind.CITY, "all")


def stored_visits(backend: Backend, city: Registry) -> list[VisitRecord]:
    """Five visits: three to the first elder (today, yesterday, and at 23:30 UTC the day
    before yesterday, already yesterday in China), one to an elder of another community
    today, one to the first elder a week ago."""
    elsewhere = other_community_elder(city)
    late_utc = datetime.combine(TODAY - timedelta(days=2), datetime.min.time(), UTC)
    records = [
        visit(city, 1, Outcome.VISITED, MORNING),
        visit(city, 2, Outcome.NOT_HOME, MORNING - timedelta(days=1)),
        visit(city, 3, Outcome.VISITED, late_utc.replace(hour=23, minute=30)),
        visit(city, 4, Outcome.VISITED, MORNING, elder=elsewhere),
        visit(city, 5, Outcome.VISITED, MORNING - timedelta(days=7)),
    ]
    for record in records:
        backend.visits.save_visit_once(record, f"hash-{record.visit_id}")
    return records


def test_a_scope_exists_once_the_registry_totals_count_an_active_elder_in_it(
    backend: Backend, small_city: Registry
) -> None:
    e = small_city.elders[0]
    scopes = [
        Scope(ScopeKind.COMMUNITY, e.community_id),
        Scope(ScopeKind.STREET, e.street_id),
        Scope(ScopeKind.DISTRICT, e.district_id),
        CITY,
    ]
    assert [backend.coverage.scope_exists(s) for s in scopes] == [False] * 4
    backend.coverage.save_registry_totals(totals(small_city))
    assert [backend.coverage.scope_exists(s) for s in scopes] == [True] * 4
    assert backend.coverage.scope_exists(Scope(ScopeKind.STREET, "S9999")) is False
    assert backend.coverage.scope_exists(Scope(ScopeKind.COMMUNITY, "C9999")) is False


def test_visits_are_found_by_their_day_as_recorded_and_by_scope(
    backend: Backend, small_city: Registry
) -> None:
    r = stored_visits(backend, small_city)
    home = Scope(ScopeKind.COMMUNITY, r[0].community_id)
    yesterday = TODAY - timedelta(days=1)

    def found(first: Any, last: Any, scope: Scope) -> set[str]:
        return {v.visit_id for v in backend.visits.visits_between(first, last, scope)}

    assert found(yesterday, TODAY, home) == {r[0].visit_id, r[1].visit_id}
    assert found(yesterday, TODAY, CITY) == {r[0].visit_id, r[1].visit_id, r[3].visit_id}
    # 23:30 UTC is the next morning in China, but the day is the one it was recorded with.
    assert found(TODAY - timedelta(days=2), TODAY - timedelta(days=2), home) == {r[2].visit_id}
    assert found(TODAY - timedelta(days=7), TODAY, home) == {
        r[0].visit_id, r[1].visit_id, r[2].visit_id, r[4].visit_id
    }  # fmt: skip
    assert found(TODAY + timedelta(days=1), TODAY + timedelta(days=9), CITY) == set()
    assert found(TODAY, TODAY, Scope(ScopeKind.DISTRICT, "D99")) == set()


def test_the_officials_reads_answer_the_same_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    """The scope check (known, unknown, out of reach, unparsable), the map and the month
    chart of the district and of a street, and the overdue list: the same on both."""
    city = small_city
    e = city.elders[0]
    street_official = Caller("official", Role.STREET_OFFICIAL, e.street_id)
    district, street = f"district:{e.district_id}", f"street:{e.street_id}"
    month = MORNING.strftime("%Y-%m")
    late = [
        replace(city.elders[0], last_visited_on=TODAY - timedelta(days=100)),
        replace(city.elders[1], last_visited_on=None),
    ]
    states = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        backend.communities.save_communities(city.communities)
        backend.elders.save_elders([*late, *city.elders[len(late) :]])
        backend.coverage.save_registry_totals(totals(city))
        stored_visits(backend, city)
        dashboard = DashboardReading(
            backend.communities, backend.visits, backend.coverage, backend.scopes
        )
        overdue = OverdueReading(backend.scopes, backend.elders)
        with pytest.raises(NotFoundError):
            readable_known_scope(CITY_ADMIN, "street:S9999", backend.scopes, backend.coverage)
        with pytest.raises(ForbiddenError):
            readable_known_scope(street_official, district, backend.scopes, backend.coverage)
        with pytest.raises(ValidationError):
            readable_known_scope(CITY_ADMIN, "street", backend.scopes, backend.coverage)
        states.append(
            {
                "map": [scope_map(who, s, dashboard) for who, s in ((CITY_ADMIN, district),
                                                                     (street_official, street))],
                "series": [month_series(CITY_ADMIN, month, s, TODAY, dashboard)
                           for s in ("city", district, street)],
                "overdue": [overdue_in(Scope.parse(s), TODAY, POLICY, overdue)
                            for s in (district, street)],
            }
        )  # fmt: skip
    on_memory, on_dynamodb = states
    assert len(on_memory["map"][0]["communities"]) == len(city.communities)
    assert on_memory["series"][0]["days"][-1]["ALL"] >= 2  # two elders visited this month
    assert {late[0].elder_id, late[1].elder_id} <= {
        row.elder_id for row in on_memory["overdue"][0].elders
    }
    assert_same_answers(on_memory, on_dynamodb)


def test_a_months_counters_are_read_whole_and_overwritten_with_stale_ones_set_to_zero(
    backend: Backend, small_city: Registry
) -> None:
    records = stored_visits(backend, small_city)
    for record in records:
        backend.coverage.project_visit(record)
    month = records[0].month
    stored = backend.coverage.stored_counters(month)
    home = Scope(ScopeKind.COMMUNITY, records[0].community_id)
    in_month = [r for r in records if r.month == month and r.community_id == home.scope_id]
    assert stored[(home, "ALL")]["visits_made"] == len(in_month)
    assert stored[(CITY, "ALL")]["elders_due"] == 0  # counters only: no denominators
    kept = {(CITY, "ALL"): {"elders_visited": 9, "visits_made": 9, "outcomes": {"visited": 9}}}
    assert backend.coverage.overwrite_counters(month, kept) == len(stored)
    after = backend.coverage.stored_counters(month)
    assert set(after) == set(stored)  # nothing vanished
    city_all = after[(CITY, "ALL")]
    assert (city_all["visits_made"], city_all["outcomes"]["visited"]) == (9, 9)
    assert after[(home, "ALL")]["visits_made"] == 0 == after[(home, "ALL")]["elders_visited"]
    assert backend.coverage.project_visit(records[0]) is Projection.DUPLICATE  # markers stay


def test_the_drift_check_and_the_rebuild_answer_the_same_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    """Counters that miss one visit drift in each of its scopes; a rebuild from the visit
    records leaves none, on both backends."""
    states = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        records = stored_visits(backend, small_city)
        for record in records[1:]:
            backend.coverage.project_visit(record)
        ports = CoverageCheck(backend.visits, backend.coverage)
        month = records[0].month
        drift = check_month(month, ports)
        written = rebuild_month(month, ports)
        states.append(([str(d) for d in drift], written, check_month(month, ports)))
    on_memory, on_dynamodb = states
    assert len(on_memory[0]) == 8  # the missed visit's 4 scopes x (its tier, ALL)
    assert on_memory[2] == []
    assert on_memory == on_dynamodb
