"""Building a use case's ports from a table of adapters by port name.

A use case takes its ports as a frozen dataclass whose fields are named by what they serve
(`communities`, `elders`, `routes`...). The same name is served by the same adapter in most
use cases, so each backend lists its adapters once by name and every use case's ports are
built from that list; a use case's factory names only the ports that differ (a cached
directory, the assessors' own routes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

P = TypeVar("P", bound="DataclassInstance")

Adapters = Mapping[str, Callable[[], Any]]
"""Port name -> how to make its adapter (a class, or a function building one)."""


def wired(ports: type[P], adapters: Adapters, **given: Any) -> P:
    """`ports` with each field the adapter `given` for it, else a new one made by
    `adapters[field]`, else the field's default. A port with none of these is a KeyError
    naming it; one given that `ports` does not have, a TypeError (the dataclass's own)."""
    made = dict(given)
    for field in fields(ports):
        if field.name in made:
            continue
        if field.name in adapters:
            made[field.name] = adapters[field.name]()
        elif field.default is MISSING and field.default_factory is MISSING:
            raise KeyError(f"no adapter for the port {field.name!r} of {ports.__name__}")
    return ports(**made)
