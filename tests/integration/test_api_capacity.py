"""GET /oversight/capacity: the month's capacity forecast of a scope, for officials."""

from __future__ import annotations

import json
from datetime import date

import pytest

from careroute.adapters.dynamodb.repositories import capacity_reading
from careroute.domain.coverage import Scope
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.entrypoints.api_routes.capacity import report
from careroute.service_layer.capacity import capacity_forecast
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
