"""Coverage counters checked and rebuilt from the raw visit records."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from careroute.adapters.dynamodb.coverage import CoverageModel
from careroute.adapters.dynamodb.oversight_repositories import coverage_checking
from careroute.adapters.dynamodb.visits import save_visit_once
from careroute.domain.coverage import Scope
from careroute.domain.vocabulary import Outcome, Registry, Tier
from careroute.service_layer.coverage_check import check_month, rebuild_month
from careroute_local.cli import main
from careroute_local.pump import EventPump
from tests.builders import a_visit_to
from tests.conftest import china_now

NOW = china_now().astimezone(UTC).replace(microsecond=0)


def record_visits(pump: EventPump, city: Registry, outcomes: list[Outcome]) -> str:
    steward = city.stewards[0]
    elders = [e for e in city.elders if e.community_id == steward.community_id]
    for n, (elder, outcome) in enumerate(zip(elders, outcomes, strict=False)):
        record = a_visit_to(
            elder,
            f"visit-{n:04d}",
            NOW - timedelta(minutes=n),
            steward_id=steward.steward_id,
            tier=Tier.T2,
            outcome=outcome,
            recorded_at=NOW,
        )
        save_visit_once(record, request_hash=f"h{n}")
    pump.drain_stream("VisitsTable")
    return record.month


def test_projected_counters_match_the_visit_records_even_after_redelivery(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    month = record_visits(loaded_stack, small_city, [Outcome.VISITED, Outcome.NOT_HOME] * 3)
    loaded_stack.redeliver_stream("VisitsTable")
    assert check_month(month, coverage_checking()) == []


def test_drift_is_found_and_a_rebuild_removes_it(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    month = record_visits(loaded_stack, small_city, [Outcome.VISITED] * 4)
    city = Scope.parse("city")
    CoverageModel(f"{month}#{city}", "ALL").update(actions=[CoverageModel.visits_made.add(1)])
    drift = check_month(month, coverage_checking())
    assert [(str(d.scope), d.tier) for d in drift] == [("city", "ALL")]
    assert "stored 4 elders, 5 visits" in str(drift[0])
    rebuild_month(month, coverage_checking())
    assert check_month(month, coverage_checking()) == []


def test_the_coverage_command_fails_on_drift_and_rebuilds_on_request(
    loaded_stack: EventPump, small_city: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    month = record_visits(loaded_stack, small_city, [Outcome.VISITED, Outcome.REFUSED])
    main(["coverage", "--month", month])
    district = Scope.parse(f"district:{small_city.communities[0].district_id}")
    CoverageModel(f"{month}#{district}", "T2").update(actions=[CoverageModel.elders_visited.add(3)])
    with pytest.raises(SystemExit) as failed:
        main(["coverage", "--month", month])
    assert failed.value.code == 1
    main(["coverage", "--month", month, "--rebuild"])
    assert check_month(month, coverage_checking()) == []
    assert f"{district} T2: stored 4 elders" in capsys.readouterr().err
