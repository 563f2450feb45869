"""The privacy boundary as pure rules: who may read which scope, who may act as which steward."""

from __future__ import annotations

import pytest

from careroute.domain.access import Caller, Role, can_read_scope, require_own_steward
from careroute.domain.coverage import Scope
from careroute.domain.errors import ForbiddenError, UnauthorizedError

COMMUNITY = Scope.parse("community:C0001")
CHAIN = (Scope.parse("street:S001"), Scope.parse("district:D01"), Scope.parse("city"))


def caller(role: str, scope: str | None = None) -> Caller:
    claims = {"sub": "u1", "custom:role": role}
    if scope:
        claims["custom:scope"] = scope
    return Caller.from_claims(claims)


@pytest.mark.parametrize(
    ("role", "scope", "allowed"),
    [
        ("city_admin", None, True),
        ("district_official", "D01", True),
        ("district_official", "D02", False),
        ("street_official", "S001", True),
        ("street_official", "S002", False),
        ("steward", "W0001", False),
        ("inspector", "D01", False),
    ],
)
def test_officials_read_their_scope_and_what_it_contains(
    role: str, scope: str | None, allowed: bool
) -> None:
    assert can_read_scope(caller(role, scope), COMMUNITY, CHAIN) is allowed


def test_a_street_official_cannot_read_the_district_above() -> None:
    assert not can_read_scope(caller("street_official", "S001"), CHAIN[1], CHAIN[2:])


def test_a_steward_acts_only_as_themselves() -> None:
    require_own_steward(caller("steward", "W0001"), "W0001")
    with pytest.raises(ForbiddenError):
        require_own_steward(caller("steward", "W0001"), "W0002")


@pytest.mark.parametrize(
    "claims",
    [None, {}, {"custom:role": "city_admin"}],
)
def test_no_subject_is_unauthorized(claims: dict[str, str] | None) -> None:
    with pytest.raises(UnauthorizedError):
        Caller.from_claims(claims)


@pytest.mark.parametrize(
    "claims",
    [{"sub": "u", "custom:role": "root"}, {"sub": "u", "custom:role": "steward"}],
)
def test_an_unknown_role_or_a_missing_scope_is_forbidden(claims: dict[str, str]) -> None:
    with pytest.raises(ForbiddenError):
        Caller.from_claims(claims)


def test_roles_are_those_of_the_design() -> None:
    assert {r.value for r in Role} == {
        "steward", "street_official", "district_official", "city_admin", "inspector",
        "assessor", "worker", "family", "call_centre",
    }  # fmt: skip
