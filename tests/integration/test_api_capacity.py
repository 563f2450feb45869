"""The month's capacity forecast as a product: GET /oversight/capacity for officials, and
`careroute capacity` on the stack."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from careroute.adapters.dynamodb.repositories import capacity_reading
from careroute.domain.coverage import Scope
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.entrypoints.api_routes.capacity_report import report
from careroute.planning.capacity import Assumptions
from careroute.service_layer.capacity import capacity_forecast
from careroute_local.cli import main
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import TODAY, bearer

NEXT_MONTH = date(TODAY.year + TODAY.month // 12, TODAY.month % 12 + 1, 1)


def capacity(pump: EventPump, role: str, scope: str | None, query: dict[str, str]) -> HttpResponse:
    month = {"month": f"{NEXT_MONTH:%Y-%m}"}
    return pump.invoke_http(
        "GET", "/oversight/capacity", headers=bearer(pump, role, scope), query=month | query
    )


def test_a_district_official_reads_every_community_of_the_district_as_the_use_case_sees_it(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    response = capacity(loaded_stack, "district_official", "D01",
                        {"scope": "district:D01", "rows": "all"})  # fmt: skip
    assert response.status == 200, response.text
    body = response.json()
    expected = report(
        capacity_forecast(
            NEXT_MONTH, load_policy(), capacity_reading(), Scope.parse("district:D01")
        ),
        "district:D01",
        every_row=True,
    )
    assert body == json.loads(expected.model_dump_json())
    assert body["communities"] == len(body["community_rows"]) == len(small_city.communities)
    assert sum(row["elders"] for row in body["community_rows"]) == sum(
        1 for e in small_city.elders if e.status.value == "active"
    )
    assert body["assumptions"] == {"attempt_success": 0.85, "usable_share": 0.9}


def test_a_hard_month_flags_communities_largest_shortfall_first_with_their_helpers(
    loaded_stack: EventPump,
) -> None:
    """At one try in five succeeding, the small city's stewards cannot keep up: the flagged
    rows come largest shortfall first, and no community gets more help than it lacks."""
    response = capacity(loaded_stack, "city_admin", None, {"attempt_success": "0.2"})
    assert response.status == 200, response.text
    body = response.json()
    rows = body["community_rows"]
    assert body["assumptions"]["attempt_success"] == 0.2
    assert body["flagged_communities"] == len(rows) > 0
    assert [r["shortfall_hours"] for r in rows] == sorted(
        (r["shortfall_hours"] for r in rows), reverse=True
    )
    for row in rows:
        given = sum(h["hours"] for h in row["help"])
        assert row["shortfall_hours"] > 0 and given <= row["shortfall_hours"] + 0.1
        assert row["uncovered_hours"] == pytest.approx(row["shortfall_hours"] - given, abs=0.1)
    assert body["flagged_streets"] == len(body["street_rows"]) > 0
    easy = capacity(loaded_stack, "city_admin", None, {"attempt_success": "1"}).json()
    assert easy["shortfall_hours"] < body["shortfall_hours"]


def test_after_the_nightly_count_the_city_reads_the_stored_forecast_of_next_month(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """The real ServiceCircleCountFunction forecasts this month and the next per district;
    GET /oversight/capacity of the city then answers what the forecast made on request over
    the registry answers."""
    dawn = datetime.combine(TODAY, datetime.min.time(), CHINA_TZ).replace(hour=4, minute=30)
    summary = loaded_stack.fire_schedule("ServiceCircleCountFunction", dawn)
    districts = {c.district_id for c in small_city.communities}
    assert summary["capacity_forecasts"] == 2 * len(districts)
    response = capacity(loaded_stack, "city_admin", None, {"rows": "all"})
    assert response.status == 200, response.text
    made = capacity_forecast(NEXT_MONTH, load_policy(), capacity_reading(), Scope.parse("city"))
    expected = report(made, "city", every_row=True)
    assert response.json() == json.loads(expected.model_dump_json())
    assert response.json()["communities"] == len(small_city.communities)


@pytest.mark.parametrize(
    ("role", "scope", "query", "status"),
    [("district_official", "D02", {"scope": "district:D01"}, 403),
     ("steward", "W0001", {"scope": "community:C0001"}, 403),
     ("city_admin", None, {"scope": "district:D99"}, 404),
     ("city_admin", None, {"month": "2026-13"}, 422),
     ("city_admin", None, {"month": "0000-12"}, 422),
     ("city_admin", None, {"attempt_success": "0"}, 422)],
)  # fmt: skip
def test_capacity_is_refused_outside_the_callers_scope_or_for_bad_input(
    loaded_stack: EventPump, role: str, scope: str | None, query: dict[str, str], status: int
) -> None:
    response = capacity(loaded_stack, role, scope, query)
    assert response.status == status, response.text


def test_the_command_writes_every_communitys_row_as_the_use_case_forecasts_it(
    loaded_stack: EventPump, small_city: Registry, tmp_path: Path
) -> None:
    out = tmp_path / "capacity.csv"
    month = f"{NEXT_MONTH:%Y-%m}"
    main(["capacity", "--month", month, "--district", "D01", "--attempt-success", "0.3",
          "--csv", str(out)])  # fmt: skip
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    expected = capacity_forecast(
        NEXT_MONTH, load_policy(), capacity_reading(), Scope.parse("district:D01"),
        Assumptions(attempt_success=0.3),
    )  # fmt: skip
    assert [r["community_id"] for r in rows] == [c.community_id for c in expected.communities]
    assert len(rows) == len(small_city.communities)
    for row, community in zip(rows, expected.communities, strict=True):
        assert row["shortfall_hours"] == f"{community.shortfall_minutes / 60:.1f}"
        assert row["helpers"].count("h (") == len(community.help)
    assert any(float(r["shortfall_hours"]) > 0 for r in rows)


@pytest.mark.parametrize(
    "arguments", [["--month", "2026-13"], ["--month", "0000-12"], ["--month", "2026-12",
                  "--district", "Atlantis"], ["--month", "2026-12", "--attempt-success", "0"]],
)  # fmt: skip
def test_the_command_refuses_a_bad_month_district_or_assumption(
    loaded_stack: EventPump, arguments: list[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["capacity", *arguments])
    assert refused.value.code == 2
