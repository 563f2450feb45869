"""The coverage drift check and rebuild, on the memory adapters: the counters the projector
kept against a recount of the raw visit records."""

from __future__ import annotations

from datetime import datetime

from careroute.adapters import memory_visits
from careroute.domain.coverage import Projection, Scope
from careroute.domain.vocabulary import CHINA_TZ, Outcome, Tier
from careroute.service_layer.coverage_check import CoverageCheck, check_month, rebuild_month
from tests.builders import a_visit

MONTH = "2026-12"


def checked_ports() -> CoverageCheck:
    """Three visits stored, of which the projector counted only the first two (C1/S1/D1)."""
    ports = CoverageCheck(memory_visits.MemoryVisits(), memory_visits.MemoryCoverage())
    outcomes = (Outcome.VISITED, Outcome.NOT_HOME, Outcome.VISITED)
    for n, outcome in enumerate(outcomes):
        at = datetime(2026, 12, 1 + n, 9, tzinfo=CHINA_TZ)
        record = a_visit(f"v{n}", at, elder_id=f"E{n}", tier=Tier.T2, outcome=outcome)
        ports.visits.save_visit_once(record, f"hash-{n}")
        if n < 2:
            ports.coverage.project_visit(record)
    return ports


def test_counters_missing_a_visit_drift_in_each_of_its_scopes_and_tiers() -> None:
    ports = checked_ports()
    drift = check_month(MONTH, ports)
    assert [(str(d.scope), d.tier) for d in drift] == [
        (scope, tier)
        for scope in ("city", "community:C1", "district:D1", "street:S1")
        for tier in ("ALL", "T2")
    ]
    assert (
        str(drift[0]) == "city ALL: stored 1 elders, 2 visits, visit records say 2 elders, 3 visits"
    )
    assert check_month("2026-11", ports) == []  # nothing that month, nothing stored


def test_a_rebuild_makes_the_counters_equal_the_visit_records_and_keeps_the_markers() -> None:
    ports = checked_ports()
    assert rebuild_month(MONTH, ports) == 8
    assert check_month(MONTH, ports) == []
    city = Scope.parse("city")
    [row] = [r for r in ports.coverage.read_coverage(MONTH, city) if r["tier"] == "ALL"]
    assert (row["elders_visited"], row["visits_made"]) == (2, 3)
    assert ports.coverage.stored_counters(MONTH)[(city, "T2")]["outcomes"] == {
        **dict.fromkeys(row["outcomes"], 0),
        "visited": 2,
        "not_home": 1,
    }
    [first, *_] = ports.visits.all_visits()
    assert ports.coverage.project_visit(first) is Projection.DUPLICATE
    assert check_month(MONTH, ports) == []
