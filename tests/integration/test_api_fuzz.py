"""Schema fuzzing of the whole running local API from its one OpenAPI document (schemathesis).

Every operation of every API function gets generated requests over real HTTP through the
local stack's pump, with a token of a role that may call it: valid requests with random ids,
valid requests aimed at the small city's real steward, community, elder and today (so they
reach stored data), and invalid requests. No 5xx anywhere, and every response matches the
documented schema (errors included: one ErrorBody). Bounded: ~30 requests per operation.
"""

from __future__ import annotations

import json
import re
import urllib.request
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import TODAY, bearer

RANDOM_IDS, REAL_IDS, INVALID = 8, 8, 6
"""Examples per operation of each kind (at most 22 requests; the whole file runs in ~60 s of
one core)."""
Caller = tuple[str, str | None]  # role, scope
STEWARD: Caller = ("steward", "W0001")
CITY_ADMIN: Caller = ("city_admin", None)
DISTRICT_OFFICIAL: Caller = ("district_official", "D01")
CALL_CENTRE: Caller = ("call_centre", "D01")
WORKER: Caller = ("worker", "H0001")
ROLE_OF_TAG: dict[str, Caller] = {
    "steward": STEWARD,
    "officials": CITY_ADMIN,
    "bureau": CITY_ADMIN,
    "dashboard": DISTRICT_OFFICIAL,
    "incidents": DISTRICT_OFFICIAL,
    "inspections": ("inspector", "D01"),
    "assessments": ("assessor", "D01"),
    "meals": ("street_official", "S001"),
    "service circle": DISTRICT_OFFICIAL,
    "orders": CALL_CENTRE,
    "benefits": DISTRICT_OFFICIAL,
    "home care beds": DISTRICT_OFFICIAL,
    "service hours": DISTRICT_OFFICIAL,
    "day care": ("family", "E000001"),
}
"""The role that may call a tag's operations; below, operations another role calls."""
ROLE_OF_OPERATION: dict[str, Caller] = {
    "GET /stewards/{steward_id}/incidents": STEWARD,
    "POST /incidents/{incident_id}/ack": STEWARD,
    "POST /incidents/{incident_id}/arrive": STEWARD,
    "POST /incidents/{incident_id}/close": STEWARD,
    "GET /stewards/{steward_id}/leave": DISTRICT_OFFICIAL,
    "POST /orders": ("family", "E000001"),
    "GET /orders/{order_id}": CALL_CENTRE,
    "POST /orders/{order_id}/{action}": WORKER,
    "GET /workers/{worker_id}/orders/{day}": WORKER,
    "GET /oversight/orders": DISTRICT_OFFICIAL,
    "GET /inspections/progress": DISTRICT_OFFICIAL,
    "GET /institutions": DISTRICT_OFFICIAL,
    "GET /assessments/summary": DISTRICT_OFFICIAL,
    "POST /assessments/requests": STEWARD,
    "POST /beds/{bed_id}/visits": WORKER,
    "GET /workers/{worker_id}/bed-routes/{day}": WORKER,
    "POST /meals/bookings": ("family", "E000001"),
    "GET /oversight/day-care": DISTRICT_OFFICIAL,
}
REAL_PATH = {
    "steward_id": "W0001",
    "community_id": "C0001",
    "elder_id": "E000001",
    "day": TODAY.isoformat(),
    "canteen_id": "K001",
    "inspector_id": "D01",
    "assessor_id": "D01",
    "worker_id": "H0001",
    "centre_id": "F0001",
}
REAL_QUERY = {
    "scope": "district:D01",
    "month": TODAY.strftime("%Y-%m"),
    "community_id": "C0001",
    "first": TODAY.isoformat(),
    "last": TODAY.isoformat(),
}
REAL_BODY: dict[str, dict[str, str]] = {
    "POST /assessments/requests": {"community_id": "C0001", "elder_id": "E000001"},
    "POST /meals/bookings": {"community_id": "C0001", "elder_id": "E000001"},
    "POST /day-care/bookings": {
        "community_id": "C0001",
        "elder_id": "E000001",
        "centre_id": "F0001",
    },
}
"""Operations whose real-id requests send a body naming real ids (W0001's elder)."""


PARTS = 3
"""The operations are fuzzed in three parts (every third operation each), so the test workers
share the work; each part makes every check over its own operations."""


@pytest.mark.parametrize("part", range(PARTS))
def test_fuzzing_every_operation_of_every_function_finds_no_server_error_and_no_schema_drift(
    loaded_stack: EventPump, small_city: Registry, part: int
) -> None:
    server, url = loaded_stack.serve_http()
    try:
        with urllib.request.urlopen(f"{url}/openapi.json", timeout=10) as response:
            document = json.loads(response.read())
        schema = schemathesis.openapi.from_dict(document)
        every_operation = [result.ok() for result in schema.get_all_operations()]
        assert len(every_operation) == sum(len(ops) for ops in document["paths"].values()) >= 35
        operations = every_operation[part::PARTS]
        statuses: dict[str, list[int]] = {}
        for operation in operations:
            key = f"{operation.method.upper()} {operation.path}"
            role, scope = ROLE_OF_OPERATION.get(key) or ROLE_OF_TAG[(operation.tags or ["-"])[0]]
            statuses[key] = _fuzz(operation, url, bearer(loaded_stack, role, scope))
        server_errors = {k: s for k, s in statuses.items() if max(s) >= 500}
        assert not server_errors, server_errors
        assert all(len(s) >= RANDOM_IDS for s in statuses.values())
        # the requests reached the handlers: some were served, some refused for bad input
        served = [k for k, s in statuses.items() if any(c < 300 for c in s)]
        assert len(served) >= len(operations) // 2, sorted(set(statuses) - set(served))
        assert sum(s.count(422) for s in statuses.values()) >= len(operations)
    finally:
        server.shutdown()


def _fuzz(operation: schemathesis.APIOperation, url: str, headers: dict[str, str]) -> list[int]:
    """The statuses of a bounded run of random, invalid and real-id requests."""
    in_path = set(re.findall(r"{(\w+)}", operation.path))
    in_query = {p.name for p in operation.query}
    body = REAL_BODY.get(f"{operation.method.upper()} {operation.path}")
    real = operation.as_strategy(
        GenerationMode.POSITIVE,
        path_parameters={k: v for k, v in REAL_PATH.items() if k in in_path} or None,
        query={k: v for k, v in REAL_QUERY.items() if k in in_query} or None,
        **({"body": body} if body else {}),
    )
    keyed = any(p.name.lower() == "idempotency-key" for p in operation.headers)
    statuses: list[int] = []
    _run(operation.as_strategy(GenerationMode.POSITIVE), RANDOM_IDS, url, headers, statuses)
    _run(operation.as_strategy(GenerationMode.NEGATIVE), INVALID, url, headers, statuses)
    _run(real, REAL_IDS, url, headers, statuses, fresh_key=keyed)
    return statuses


def _run(
    strategy: st.SearchStrategy[schemathesis.Case],
    examples: int,
    url: str,
    headers: dict[str, str],
    statuses: list[int],
    fresh_key: bool = False,
) -> None:
    """Up to `examples` requests; `fresh_key` sends a new Idempotency-Key with each."""

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        if fresh_key:
            case.headers = {**(case.headers or {}), "idempotency-key": str(uuid.uuid4())}
        response = case.call_and_validate(
            base_url=url, headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )
        statuses.append(response.status_code)

    fuzz()
