"""The `scope` parameter of every API read, checked in one place: parsed (a ValidationError
naming it otherwise), within the caller's reach, and, where asked, known to the registry."""

from __future__ import annotations

from careroute.adapters.dynamodb.coverage import scope_exists
from careroute.adapters.dynamodb.scopes import ancestors
from careroute.domain.access import Caller, require_scope
from careroute.domain.coverage import Scope
from careroute.domain.errors import NotFoundError, ValidationError


def parse_scope(text: str) -> Scope:
    """'city', 'district:D01', 'street:S001' or 'community:C0001' as a Scope."""
    try:
        return Scope.parse(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def readable_scope(who: Caller, text: str, *, must_exist: bool = False) -> Scope:
    """The scope, if the caller may read it (their own or one inside it); with `must_exist`,
    also NotFoundError for a scope the registry does not have."""
    scope = parse_scope(text)
    require_scope(who, scope, ancestors(scope))
    if must_exist and not scope_exists(scope):
        raise NotFoundError(f"unknown scope {scope}")
    return scope
