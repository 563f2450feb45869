"""Load a validated registry into the tables, with the coverage denominators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from careroute.coverage import registry_totals, scopes_of
from careroute.domain import Registry
from careroute.policy import Policy
from careroute.storage import coverage, registry

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class ImportCounts:
    communities: int
    stewards: int
    elders: int
    scopes: int


def import_registry(
    data: Registry, as_of: date, policy: Policy, progress: Progress | None = None
) -> ImportCounts:
    """Write communities, stewards, elders (in that order) and the per-scope totals.

    `data` must already be validated (registry_csv.read_registry or the generator): nothing
    here can reject a row, so an import never stops half-way for bad data. Puts overwrite,
    so re-running an interrupted import converges.
    """

    def step(name: str, count: int) -> int:
        if progress:
            progress(name, count)
        return count

    communities = step("communities", registry.save_communities(data.communities))
    stewards = step("stewards", registry.save_stewards(data.stewards))
    elders = step("elders", registry.save_elders(data.elders))
    community_scopes = {
        c.community_id: scopes_of(c.community_id, c.street_id, c.district_id)
        for c in data.communities
    }
    totals = registry_totals(data.elders, community_scopes, as_of, policy)
    scopes = step("coverage totals", coverage.save_registry_totals(totals))
    return ImportCounts(communities, stewards, elders, scopes)
