"""The registry import on the memory adapters: what it writes, what it reports as it goes,
and that re-running it (after an interruption) converges on the same state."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from careroute.adapters import memory, memory_visits
from careroute.domain.coverage import ALL_TIERS, Scope, ScopeKind
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import ElderStatus, Registry
from careroute.service_layer.registry_import import (
    PROGRESS_EVERY,
    ImportCounts,
    RegistryLoading,
    import_registry,
)
from tests.unit.conftest import STREET_AS_OF

POLICY = load_policy()
MONTH = STREET_AS_OF.strftime("%Y-%m")


def in_memory() -> RegistryLoading:
    return RegistryLoading(
        memory.MemoryCommunities(),
        memory.MemoryStewards(),
        memory.MemoryElders(),
        memory_visits.MemoryCoverage(),
    )


def due(ports: RegistryLoading, scope: Scope) -> dict[str, int]:
    """The coverage denominators of a scope, by tier."""
    return {row["tier"]: row["elders_due"] for row in ports.coverage.read_coverage(MONTH, scope)}


def test_the_registry_and_the_active_elders_per_scope_are_written(one_street: Registry) -> None:
    ports = in_memory()
    counts = import_registry(one_street, STREET_AS_OF, POLICY, ports)

    assert counts.communities == len(one_street.communities)
    assert counts.stewards == len(one_street.stewards)
    assert counts.elders == len(one_street.elders)
    stored = {c.community_id for c in ports.communities.all_communities()}
    assert stored == {c.community_id for c in one_street.communities}
    first = one_street.elders[0]
    assert ports.elders.get_elder(first.community_id, first.elder_id) == first
    street = Scope(ScopeKind.STREET, one_street.communities[0].street_id)
    active = [
        e
        for e in one_street.elders
        if e.status is ElderStatus.ACTIVE and e.street_id == street.scope_id
    ]
    assert due(ports, street)[ALL_TIERS] == len(active) > 0
    by_tier = Counter(POLICY.tier_of(e, STREET_AS_OF).value for e in active)
    assert {t: n for t, n in due(ports, street).items() if t != ALL_TIERS} == {
        t: by_tier.get(t, 0) for t in ("T1", "T2", "T3")
    }


def test_an_inactive_elder_is_stored_but_not_counted_as_due(one_street: Registry) -> None:
    n, elder = next(
        (n, e) for n, e in enumerate(one_street.elders) if e.status is ElderStatus.ACTIVE
    )
    gone = replace(elder, status=ElderStatus.DECEASED)
    city = replace(one_street, elders=(*one_street.elders[:n], gone, *one_street.elders[n + 1 :]))
    before, after = in_memory(), in_memory()
    import_registry(one_street, STREET_AS_OF, POLICY, before)
    import_registry(city, STREET_AS_OF, POLICY, after)

    community = Scope(ScopeKind.COMMUNITY, gone.community_id)
    assert after.elders.get_elder(gone.community_id, gone.elder_id).status is ElderStatus.DECEASED
    assert due(after, community)[ALL_TIERS] == due(before, community)[ALL_TIERS] - 1


def test_progress_is_reported_in_steps_that_add_up_to_every_row(one_street: Registry) -> None:
    reported: list[tuple[str, int]] = []
    import_registry(
        one_street, STREET_AS_OF, POLICY, in_memory(), lambda what, n: reported.append((what, n))
    )

    assert all(0 < n <= PROGRESS_EVERY for _, n in reported)
    totals: Counter[str] = Counter()
    for what, n in reported:
        totals[what] += n
    assert totals == {
        "communities": len(one_street.communities),
        "stewards": len(one_street.stewards),
        "elders": len(one_street.elders),
    }
    assert (reported[0][0], reported[-1][0]) == ("communities", "elders")


def test_importing_twice_leaves_what_importing_once_leaves(one_street: Registry) -> None:
    once, twice = in_memory(), in_memory()
    first = import_registry(one_street, STREET_AS_OF, POLICY, once)
    import_registry(one_street, STREET_AS_OF, POLICY, twice)
    again = import_registry(one_street, STREET_AS_OF, POLICY, twice)

    assert again == first
    assert isinstance(first, ImportCounts)
    city = Scope(ScopeKind.CITY, "all")
    for scope in [
        city,
        *(Scope(ScopeKind.COMMUNITY, c.community_id) for c in one_street.communities),
    ]:
        assert due(twice, scope) == due(once, scope)
    community_id = one_street.communities[0].community_id
    assert twice.elders.elders_of_community(community_id) == once.elders.elders_of_community(
        community_id
    )
