"""What an urgent responder's day needs of the ports beyond the orders': a steward's route
replaced only over the version read (memory against DynamoDB)."""

from __future__ import annotations

from typing import Any

from tests.conftest import PLAN_DATE
from tests.contract.conftest import Backend


def a_route(steward_id: str, stops: list[str]) -> dict[str, Any]:
    return {
        "steward_id": steward_id,
        "community_id": "C0001",
        "date": PLAN_DATE.isoformat(),
        "stops": [{"elder_id": e} for e in stops],
    }


def test_a_route_is_replaced_only_over_the_route_read(backend: Backend) -> None:
    routes = backend.routes
    first, second = a_route("W1", ["E1"]), a_route("W1", ["E1", "E2"])
    assert routes.replace_route(second, first) is False  # no route yet, not `first`
    assert routes.find_route("W1", PLAN_DATE) is None
    assert routes.replace_route(first, None) is True
    assert routes.replace_route(first, None) is False  # a route is there now
    read = routes.find_route("W1", PLAN_DATE)
    assert read == first
    assert routes.replace_route(second, read) is True
    assert routes.replace_route(a_route("W1", []), read) is False  # changed meanwhile
    assert routes.find_route("W1", PLAN_DATE) == second
    assert routes.find_route("W2", PLAN_DATE) is None
