"""Schema fuzzing of the running local API from its own OpenAPI document (schemathesis).

Every operation gets generated requests (valid and invalid) over real HTTP through the local
server, with a token of the role that may call it: no 5xx, and every response matches the
documented schema. Bounded: a few dozen examples per operation.
"""

from __future__ import annotations

import json
import urllib.request

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from careroute.domain import Registry
from careroute_local.pump import EventPump
from tests.conftest import bearer

EXAMPLES_PER_OPERATION = 40
ROLE_OF = {
    "steward": ("steward", "W0001"),
    "officials": ("city_admin", None),
    "bureau": ("city_admin", None),
}


def test_fuzzing_every_operation_finds_no_server_error_and_no_schema_drift(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    server, url = loaded_stack.serve_http()
    try:
        with urllib.request.urlopen(f"{url}/openapi.json", timeout=10) as response:
            document = json.loads(response.read())
        schema = schemathesis.openapi.from_dict(document)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 4
        statuses: list[int] = []
        for operation in operations:
            role, scope = ROLE_OF[operation.tags[0] if operation.tags else "officials"]
            headers = bearer(loaded_stack, role, scope)

            _fuzz(operation, url, headers, statuses)
        assert len(statuses) >= 2 * len(operations) and max(statuses) < 500
    finally:
        server.shutdown()


def _fuzz(
    operation: schemathesis.APIOperation, url: str, headers: dict[str, str], statuses: list[int]
) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call_and_validate(
            base_url=url, headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )
        statuses.append(response.status_code)

    fuzz()
