"""The `scope` parameter of every API read, checked in one place: parsed (a ValidationError
naming it otherwise), within the caller's reach (the scope tree says which scopes contain it),
and, for the reads that need it, known to the registry (its coverage counts elders there)."""

from __future__ import annotations

from collections.abc import Callable

from careroute.domain.access import Caller, Role, require_scope
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import NotFoundError, ValidationError
from careroute.service_layer.ports import CommunityRepository, CoverageRepository, ScopeDirectory

DistrictCheck = Callable[[Caller, str, ScopeDirectory], None]
"""A flow's rule for reading one district (raises ForbiddenError), e.g. its own staff's."""


def parse_scope(text: str) -> Scope:
    """'city', 'district:D01', 'street:S001' or 'community:C0001' as a Scope."""
    try:
        return Scope.parse(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def require_official_of(who: Caller, community_id: str, scopes: ScopeDirectory) -> None:
    """City admin, or a street/district official whose scope contains the community."""
    where = Scope(ScopeKind.COMMUNITY, community_id)
    require_scope(who, where, scopes.ancestors(where))


def readable_scope(who: Caller, text: str, scopes: ScopeDirectory) -> Scope:
    """The scope, if the caller may read it (their own or one inside it)."""
    scope = parse_scope(text)
    require_scope(who, scope, scopes.ancestors(scope))
    return scope


def readable_known_scope(
    who: Caller, text: str, scopes: ScopeDirectory, coverage: CoverageRepository
) -> Scope:
    """The scope as readable_scope gives it; NotFoundError for one the registry does not
    have (no active elder is counted in it), so a typo is a 404, not a page of zeros."""
    scope = readable_scope(who, text, scopes)
    if not coverage.scope_exists(scope):
        raise NotFoundError(f"unknown scope {scope}")
    return scope


def districts_in(where: Scope, communities: CommunityRepository) -> list[str]:
    """The districts holding some of `where` (its own for a district, every one for the
    city), in id order: the partitions a read of the scope walks."""
    if where.kind is ScopeKind.DISTRICT:
        return [where.scope_id]
    return sorted({c.district_id for c in communities.all_communities() if where.holds(c)})


def readable_districts(
    who: Caller,
    where: Scope,
    communities: CommunityRepository,
    scopes: ScopeDirectory,
    may_read_district: DistrictCheck,
) -> list[str]:
    """The districts of a flow planned per district: all of them, in id order, for the city
    (the city admin's), or the one district of `where` if `may_read_district` lets `who`
    read it; a street or community scope is refused."""
    if where.kind is ScopeKind.CITY:
        who.require(Role.CITY_ADMIN)
        return sorted({c.district_id for c in communities.all_communities()})
    if where.kind is ScopeKind.DISTRICT:
        may_read_district(who, where.scope_id, scopes)
        return [where.scope_id]
    raise ValidationError("scope: city or district:ID")
