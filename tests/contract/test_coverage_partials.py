"""Coverage counters kept as partial items on DynamoDB (the city's and the districts', summed on
read) answer as one counter does in memory: the same rows, the same stored counters, the same
rebuild, and a visit projected after a rebuild adds to the rebuilt figure on both."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from careroute.adapters.dynamodb import coverage as coverage_table
from careroute.domain.coverage import Projection, Scope, ScopeKind
from careroute.domain.vocabulary import Outcome, Registry, Tier
from tests.builders import a_visit_to
from tests.conftest import TODAY
from tests.contract.conftest import Backend, assert_same_answers, dynamodb_backend, memory_backend
from tests.contract.test_projection_ports import MORNING
from tests.contract.test_ticket_ports import opened

CITY = Scope(ScopeKind.CITY, "all")
OUTCOMES = (Outcome.VISITED, Outcome.NOT_HOME, Outcome.VISITED, Outcome.REFUSED)


def project_many(backend: Backend, city: Registry, count: int, first: int = 0) -> list[Any]:
    """`count` visits (ids first..) over the city's first ten elders, each delivered twice:
    the projections, in order."""
    results = []
    for n in range(first, first + count):
        elder = city.elders[n % 10]
        record = a_visit_to(
            elder,
            f"visit-{n:04d}",
            MORNING + timedelta(minutes=n),
            steward_id=city.stewards[0].steward_id,
            tier=(Tier.T1, Tier.T2, Tier.T3)[n % 3],
            outcome=OUTCOMES[n % len(OUTCOMES)],
        )
        results += [backend.coverage.project_visit(record) for _ in range(2)]
    return results


def answers(backend: Backend, city: Registry) -> dict[str, Any]:
    month = TODAY.strftime("%Y-%m")
    district = Scope(ScopeKind.DISTRICT, city.elders[0].district_id)
    community = Scope(ScopeKind.COMMUNITY, city.elders[0].community_id)
    return {
        "rows": [backend.coverage.read_coverage(month, s) for s in (CITY, district, community)],
        "stored": backend.coverage.stored_counters(month),
    }


def test_partial_counters_read_rebuild_and_count_on_as_one_counter_does(
    session_pump: Any, small_city: Registry
) -> None:
    month = TODAY.strftime("%Y-%m")
    states = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        projected = project_many(backend, small_city, 40)
        assert projected == [Projection.APPLIED, Projection.DUPLICATE] * 40
        before = answers(backend, small_city)
        city_all = {"elders_visited": 7, "visits_made": 30, "outcomes": {"visited": 30}}
        written = backend.coverage.overwrite_counters(month, {(CITY, "ALL"): city_all})
        rebuilt = answers(backend, small_city)
        again = project_many(backend, small_city, 2)  # delivered before: still counted once
        later = project_many(backend, small_city, 1, first=40)
        states.append(
            {
                "before": before,
                "written": written,
                "rebuilt": rebuilt,
                "again": again,
                "later": later,
                "after": answers(backend, small_city),
            }
        )
    on_memory, on_dynamodb = states
    assert_same_answers(on_memory, on_dynamodb)
    [city_row] = [r for r in on_memory["after"]["rows"][0] if r["tier"] == "ALL"]
    assert (city_row["visits_made"], city_row["elders_visited"]) == (31, 7)  # rebuilt + 1 visit
    assert on_memory["before"]["stored"][(CITY, "ALL")]["visits_made"] == 40
    assert on_memory["again"] == [Projection.DUPLICATE] * 4


def test_a_city_counter_is_spread_over_partial_items_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    """What the partials are for: concurrent visits' transactions name different city items
    (DynamoDB cancels a transaction that touches an item another one is writing)."""
    backend = dynamodb_backend(session_pump)
    project_many(backend, small_city, 40)
    month = TODAY.strftime("%Y-%m")
    items = list(coverage_table.CoverageModel.query(f"{month}#{CITY}"))
    all_tiers = [item for item in items if item.sk.startswith("ALL#")]
    assert len(all_tiers) > coverage_table.COUNTER_PARTIALS[ScopeKind.CITY] // 2
    assert sum(int(item.visits_made) for item in all_tiers) == 40


def test_the_ticket_counters_of_the_city_and_a_district_read_as_one_counter(
    backend: Backend, small_city: Registry
) -> None:
    tickets = opened(backend, small_city)
    month = MORNING.strftime("%Y-%m")
    district = Scope(ScopeKind.DISTRICT, tickets[0].district_id)
    for scope in (CITY, district):
        counts = backend.coverage.read_ticket_counts(month, scope)
        assert counts == {"opened": len(tickets), "closed": 0, "closed_on_time": 0}
