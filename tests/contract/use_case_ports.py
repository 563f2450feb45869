"""A use case's ports drawn by name from a contract backend, as `adapters.wiring.wired`
draws them from the table of DynamoDB adapters: each field of the use case's ports is the
adapter of that name, so a test lists no ports in their order."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, TypeVar

from tests.contract.conftest import Backend

P = TypeVar("P")


def ports_of(ports: type[P], *holders: Any) -> P:
    """`ports` with each field the attribute of that name of the first of `holders` that has
    one; a field none has keeps its default."""
    named = {}
    for field in fields(ports):  # type: ignore[arg-type]
        holder = next((h for h in holders if hasattr(h, field.name)), None)
        if holder is not None:
            named[field.name] = getattr(holder, field.name)
    return ports(**named)


@dataclass(frozen=True)
class AreaBackend:
    """An area's own adapters (a subclass's fields) beside the backend whose registry,
    tickets and scopes they share."""

    base: Backend

    def ports(self, use_case: type[P]) -> P:
        """The use case's ports: the area's adapter of each name, else the backend's."""
        return ports_of(use_case, self, self.base)
