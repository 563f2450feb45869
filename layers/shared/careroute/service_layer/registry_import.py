"""Load a validated registry into the tables, with the coverage denominators."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from careroute.domain.coverage import registry_totals, scopes_of
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Registry
from careroute.service_layer.ports import (
    CommunityRepository,
    CoverageRepository,
    ElderRepository,
    StewardRepository,
)

T = TypeVar("T")

Progress = Callable[[str, int], None]
"""Called with (what, how many more were written) as the import goes."""
PROGRESS_EVERY = 1_000


@dataclass(frozen=True)
class RegistryLoading:
    """The ports a registry import writes: the registry itself and the coverage denominators."""

    communities: CommunityRepository
    stewards: StewardRepository
    elders: ElderRepository
    coverage: CoverageRepository


@dataclass(frozen=True)
class ImportCounts:
    communities: int
    stewards: int
    elders: int
    scopes: int


def import_registry(
    data: Registry,
    as_of: date,
    policy: Policy,
    ports: RegistryLoading,
    progress: Progress | None = None,
) -> ImportCounts:
    """Write communities, stewards, elders (in that order) and the per-scope totals.

    `data` must already be validated (registry_csv.read_registry or the generator): nothing
    here can reject a row, so an import never stops half-way for bad data. Puts overwrite,
    so re-running an interrupted import converges.
    """

    def counted(name: str, items: Iterable[T]) -> Iterator[T]:
        pending = 0
        for item in items:
            yield item
            pending += 1
            if progress and pending == PROGRESS_EVERY:
                progress(name, pending)
                pending = 0
        if progress and pending:
            progress(name, pending)

    communities = ports.communities.save_communities(counted("communities", data.communities))
    stewards = ports.stewards.save_stewards(counted("stewards", data.stewards))
    elders = ports.elders.save_elders(counted("elders", data.elders))
    community_scopes = {
        c.community_id: scopes_of(c.community_id, c.street_id, c.district_id)
        for c in data.communities
    }
    totals = registry_totals(data.elders, community_scopes, as_of, policy)
    scopes = ports.coverage.save_registry_totals(totals)
    return ImportCounts(communities, stewards, elders, scopes)
