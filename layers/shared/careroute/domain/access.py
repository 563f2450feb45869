"""Who is calling, and what they may see: the API's privacy boundary, in one place.

The caller comes from the claims of a JWT that API Gateway's JWT authorizer (Cognito in the
cloud, the local dev issuer on the local stack) has already verified: `sub`, `custom:role`
and `custom:scope`. Pure: no AWS imports; the handler passes the claims and the facts the
checks need (a steward's id, a scope's ancestors).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import ForbiddenError, UnauthorizedError

ROLE_CLAIM = "custom:role"
SCOPE_CLAIM = "custom:scope"


class Role(StrEnum):
    STEWARD = "steward"  # scope: the steward's id
    STREET_OFFICIAL = "street_official"  # scope: the street id
    DISTRICT_OFFICIAL = "district_official"  # scope: the district id
    CITY_ADMIN = "city_admin"  # no scope: the whole city
    INSPECTOR = "inspector"  # scope: the district id (inspections; no visit data)
    ASSESSOR = "assessor"  # scope: the district id (needs assessments; no visit data)
    WORKER = "worker"  # scope: the home-service worker's id (their own orders only)
    FAMILY = "family"  # scope: the elder id the family member orders home services for
    CALL_CENTRE = "call_centre"  # scope: the district id (orders for its elders, by phone)


OFFICIAL_SCOPE = {
    Role.STREET_OFFICIAL: ScopeKind.STREET,
    Role.DISTRICT_OFFICIAL: ScopeKind.DISTRICT,
}


@dataclass(frozen=True)
class Caller:
    subject: str
    role: Role
    scope: str
    """The steward id, street id or district id the role is limited to; "" for city_admin."""

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any] | None) -> Caller:
        """The verified caller; UnauthorizedError without claims, ForbiddenError if unusable."""
        if not claims or not claims.get("sub"):
            raise UnauthorizedError("a verified bearer token is required")
        try:
            role = Role(str(claims.get(ROLE_CLAIM, "")))
        except ValueError as exc:
            raise ForbiddenError("the token carries no known role") from exc
        scope = str(claims.get(SCOPE_CLAIM) or "")
        if role is not Role.CITY_ADMIN and not scope:
            raise ForbiddenError(f"a {role.value} token must carry a scope")
        return cls(str(claims["sub"]), role, scope)

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise ForbiddenError(f"this needs one of the roles: {allowed}")

    @property
    def official_scope(self) -> Scope | None:
        """The top scope an official or admin may read; None for other roles."""
        if self.role is Role.CITY_ADMIN:
            return Scope(ScopeKind.CITY, "all")
        kind = OFFICIAL_SCOPE.get(self.role)
        return Scope(kind, self.scope) if kind else None


def require_own_steward(caller: Caller, steward_id: str) -> None:
    """A steward acts only as themselves (admins may read any steward's route)."""
    if caller.role is Role.CITY_ADMIN:
        return
    caller.require(Role.STEWARD)
    if caller.scope != steward_id:
        raise ForbiddenError("a steward can only see their own routes")


def can_read_scope(caller: Caller, scope: Scope, ancestors: Iterable[Scope]) -> bool:
    """Officials read their own scope and everything inside it; the city admin reads all.

    `ancestors` are the scopes that contain `scope` (a community's street, district, city).
    """
    own = caller.official_scope
    if own is None:
        return False
    return own.kind is ScopeKind.CITY or scope == own or own in set(ancestors)


def require_scope(caller: Caller, scope: Scope, ancestors: Iterable[Scope]) -> None:
    if caller.official_scope is None:
        caller.require(Role.STREET_OFFICIAL, Role.DISTRICT_OFFICIAL, Role.CITY_ADMIN)
    if not can_read_scope(caller, scope, ancestors):
        raise ForbiddenError(f"{caller.role.value} {caller.scope} may not read {scope}")
