"""The audit of personal-data reads, through the API: who read which elders, for the bureau."""

from __future__ import annotations

import pytest

from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import bearer
from tests.integration.planned_day import plan_the_day, read_audit_log, read_route


def test_a_stewards_route_read_shows_in_the_city_admins_audit_log(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    plan_the_day(loaded_stack)
    steward = small_city.stewards[0]
    route = read_route(loaded_stack, steward.steward_id)
    assert route.status == 200, route.text
    shown = sorted(s["elder_id"] for s in route.json()["stops"])
    assert loaded_stack.deliver_logs().succeeded == 1  # the read's audit line, to its writer

    log = read_audit_log(loaded_stack, steward.community_id, limit=10)
    assert log.status == 200, log.text
    newest = log.json()["reads"][0]
    assert newest["actor_role"] == "steward" and newest["what"] == "route"
    assert sorted(newest["elder_ids"]) == shown
    assert all(name not in log.text for name in (s["name"] for s in route.json()["stops"]))


@pytest.mark.parametrize(
    ("role", "scope", "path", "status"),
    [
        ("district_official", "D01", "/audit/communities/C0001", 403),
        ("steward", "W0001", "/audit/communities/C0001", 403),
        ("inspector", "D01", "/audit/communities/C0001", 403),
        ("city_admin", None, "/audit/communities/C9999", 404),
    ],
)
def test_only_the_city_admin_reads_the_audit_log(
    loaded_stack: EventPump, role: str, scope: str | None, path: str, status: int
) -> None:
    response = loaded_stack.invoke_http("GET", path, headers=bearer(loaded_stack, role, scope))
    assert response.status == status, response.text
    assert response.json()["error"]["code"] in {"forbidden", "not_found"}


def test_a_limit_outside_1_to_500_is_a_clear_error(loaded_stack: EventPump) -> None:
    response = loaded_stack.invoke_http(
        "GET",
        "/audit/communities/C0001",
        headers=bearer(loaded_stack, "city_admin"),
        query={"limit": "0"},
    )
    assert response.status == 422, response.text
    assert "limit" in response.text
