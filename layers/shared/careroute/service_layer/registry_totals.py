"""The registry totals (active elders per scope and tier, the denominators of coverage) moved
by one elder's change: an elder added through the API, a status or categories changed by an
official, a status set by a visit outcome. Each change is applied once, by its key."""

from __future__ import annotations

from datetime import date

from careroute.domain.coverage import registry_total_changes, scopes_of
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder
from careroute.service_layer.ports import CoverageRepository


def move_totals(
    before: Elder | None,
    after: Elder | None,
    on: date,
    policy: Policy,
    coverage: CoverageRepository,
    key: str,
) -> None:
    """Move the registry totals of the elder's scopes from `before` to `after` (None: not in
    the registry), tiers as of `on`, once per `key`; nothing to move, no write."""
    elder = after or before
    if elder is None:
        return
    scopes = scopes_of(elder.community_id, elder.street_id, elder.district_id)
    changes = registry_total_changes(before, after, scopes, on, policy)
    if changes:
        coverage.change_registry_totals(changes, key)
