"""The community, street and district an item belongs to: the scopes officials read it by.

Elders, visit records, tickets, orders, incidents and inspection targets each carry the three
ids under the same names, so one is built from another (or a table item from either) with
`**scope_ids(placed)` rather than by copying the three fields one by one (with the elder's
id, `**elder_scope_ids(about)`); a JSON document written that way gives them back with
`**scope_ids_in(document)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypedDict


class ScopeIds(TypedDict):
    community_id: str
    street_id: str
    district_id: str


class HasScopeIds(Protocol):
    @property
    def community_id(self) -> str: ...

    @property
    def street_id(self) -> str: ...

    @property
    def district_id(self) -> str: ...


def scope_ids(placed: HasScopeIds) -> ScopeIds:
    """The ids of `placed`'s scopes, to build another value or item placed alike."""
    return {
        "community_id": placed.community_id,
        "street_id": placed.street_id,
        "district_id": placed.district_id,
    }


class ElderScopeIds(ScopeIds):
    elder_id: str


class HasElderScopeIds(HasScopeIds, Protocol):
    @property
    def elder_id(self) -> str: ...


def elder_scope_ids(about: HasElderScopeIds) -> ElderScopeIds:
    """The elder's id and the ids of its scopes, to build another value or item about the
    same elder (a ticket, a claim, a request, an order) placed alike."""
    return {"elder_id": about.elder_id, **scope_ids(about)}


def scope_ids_in(document: Mapping[str, Any]) -> ScopeIds:
    """The ids of the scopes a stored JSON document names (one written with `scope_ids`)."""
    return {
        "community_id": document["community_id"],
        "street_id": document["street_id"],
        "district_id": document["district_id"],
    }
