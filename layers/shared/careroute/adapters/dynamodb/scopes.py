"""Which scopes contain a scope (community -> street -> district -> city), from the registry.

Read once per container from the communities table (1,153 items) and refreshed when a scope
is not found, so a newly imported community is seen without a restart.
"""

from __future__ import annotations

from careroute.adapters.dynamodb import registry
from careroute.domain.coverage import Scope, ScopeKind, scopes_of

_parents: dict[Scope, tuple[Scope, ...]] = {}


def _load() -> None:
    _parents.clear()
    for community in registry.all_communities():
        chain = scopes_of(community.community_id, community.street_id, community.district_id)
        for i, scope in enumerate(chain):
            _parents[scope] = chain[i + 1 :]


def ancestors(scope: Scope) -> tuple[Scope, ...]:
    """The scopes containing `scope`, innermost first; () for the city or an unknown scope."""
    if scope.kind is ScopeKind.CITY:
        return ()
    if scope not in _parents:
        _load()
    return _parents.get(scope, ())


def communities_in(scope: Scope) -> list[str]:
    """The ids of the communities inside `scope` (itself, for a community), sorted."""
    if not _parents or (scope.kind is not ScopeKind.CITY and scope not in _parents):
        _load()
    found = [
        inner.scope_id
        for inner, chain in _parents.items()
        if inner.kind is ScopeKind.COMMUNITY
        and (scope.kind is ScopeKind.CITY or inner == scope or scope in chain)
    ]
    return sorted(found)
