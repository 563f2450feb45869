"""Which scopes contain a scope (community -> street -> district -> city), from the registry.

Read from the communities table (1,153 items), kept a few minutes per container and read again
when a scope is not found, so a newly imported community is seen without a restart.
"""

from __future__ import annotations

from careroute.adapters.dynamodb import registry
from careroute.domain.coverage import Scope, ScopeKind, scopes_of
from careroute.service_layer.container_cache import ContainerCache

Tree = dict[Scope, tuple[Scope, ...]]
_tree: ContainerCache[Tree] = ContainerCache(ttl_seconds=600)
"""Kept ten minutes at most (a community moved to another street is seen by then), dropped by
`container_cache.forget_all()` with every other container cache."""


def _load() -> Tree:
    parents: Tree = {}
    for community in registry.all_communities():
        chain = scopes_of(community.community_id, community.street_id, community.district_id)
        for i, scope in enumerate(chain):
            parents[scope] = chain[i + 1 :]
    return parents


def _parents(knowing: Scope) -> Tree:
    """The tree, read again when it does not know `knowing` (a newly imported community)."""
    tree = _tree.get(_load)
    if knowing.kind is not ScopeKind.CITY and knowing not in tree:
        _tree.forget()
        tree = _tree.get(_load)
    return tree


def ancestors(scope: Scope) -> tuple[Scope, ...]:
    """The scopes containing `scope`, innermost first; () for the city or an unknown scope."""
    if scope.kind is ScopeKind.CITY:
        return ()
    return _parents(scope).get(scope, ())


def communities_in(scope: Scope) -> list[str]:
    """The ids of the communities inside `scope` (itself, for a community), sorted."""
    found = [
        inner.scope_id
        for inner, chain in _parents(scope).items()
        if inner.kind is ScopeKind.COMMUNITY
        and (scope.kind is ScopeKind.CITY or inner == scope or scope in chain)
    ]
    return sorted(found)
