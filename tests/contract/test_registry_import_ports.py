"""The registry import on both backends: the same counts, registry and coverage denominators
(each port it writes has its own contract tests; this checks the use case leaves the same)."""

from __future__ import annotations

from typing import Any

from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.service_layer.registry_import import RegistryLoading, import_registry
from tests.conftest import TODAY
from tests.contract.conftest import assert_same_answers, dynamodb_backend, memory_backend

MONTH = TODAY.strftime("%Y-%m")


def test_the_registry_import_leaves_the_same_state_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    city = small_city
    scopes = [
        Scope(ScopeKind.CITY, "all"),
        *{Scope(ScopeKind.DISTRICT, c.district_id) for c in city.communities},
        *{Scope(ScopeKind.STREET, c.street_id) for c in city.communities},
        *(Scope(ScopeKind.COMMUNITY, c.community_id) for c in city.communities),
    ]
    states = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        ports = RegistryLoading(
            backend.communities, backend.stewards, backend.elders, backend.coverage
        )
        counts = import_registry(city, TODAY, load_policy(), ports)
        states.append(
            {
                "counts": counts,
                "communities": sorted(
                    backend.communities.all_communities(), key=lambda c: c.community_id
                ),
                "stewards": sorted(backend.stewards.all_stewards(), key=lambda s: s.steward_id),
                "elders": [
                    backend.elders.elders_of_community(c.community_id) for c in city.communities
                ],
                "due": [backend.coverage.read_coverage(MONTH, s) for s in scopes],
            }
        )
    on_memory, on_dynamodb = states
    assert on_memory["counts"].elders == len(city.elders)
    assert on_memory["due"][0][-1]["elders_due"] > 0
    assert_same_answers(on_memory, on_dynamodb)
