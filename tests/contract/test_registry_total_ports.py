"""Adding an elder and moving the registry totals, the same on memory and on DynamoDB: a new
elder is stored once, and a change of the totals is applied once per key."""

from __future__ import annotations

from dataclasses import replace

from careroute.domain.coverage import ALL_TIERS, Scope, registry_total_changes, scopes_of
from careroute.domain.vocabulary import ElderStatus, Registry
from tests.conftest import TODAY
from tests.contract.conftest import Backend
from tests.contract.test_projection_ports import POLICY, totals


def due(backend: Backend, scope: Scope) -> dict[str, int]:
    rows = backend.coverage.read_coverage(TODAY.strftime("%Y-%m"), scope)
    return {row["tier"]: row["elders_due"] for row in rows}


def test_a_new_elder_is_added_once(backend: Backend, small_city: Registry) -> None:
    elder = small_city.elders[0]
    assert backend.elders.add_elder(elder) is True
    assert backend.elders.add_elder(replace(elder, name="another")) is False
    assert backend.elders.get_elder(elder.community_id, elder.elder_id).name == elder.name


def test_a_change_of_the_totals_is_applied_once_per_key(
    backend: Backend, small_city: Registry
) -> None:
    backend.coverage.save_registry_totals(totals(small_city))
    elder = next(e for e in small_city.elders if e.status is ElderStatus.ACTIVE)
    scopes = scopes_of(elder.community_id, elder.street_id, elder.district_id)
    before = {scope: due(backend, scope) for scope in scopes}
    gone = replace(elder, status=ElderStatus.DECEASED)
    changes = registry_total_changes(elder, gone, scopes, TODAY, POLICY)
    tier = POLICY.tier_of(elder, TODAY).value
    assert backend.coverage.change_registry_totals(changes, "visit-1") is True
    assert backend.coverage.change_registry_totals(changes, "visit-1") is False
    for scope in scopes:
        after = due(backend, scope)
        assert after[ALL_TIERS] == before[scope][ALL_TIERS] - 1
        assert after[tier] == before[scope][tier] - 1
        assert sum(after.values()) == sum(before[scope].values()) - 2
