"""What the memory adapters do the same way, written once: keep items by key as a table
does (storing one again replaces it), and answer a missing key as the DynamoDB adapters do
(the `tables` helpers `write_all` and `get_item` on that side)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

from careroute.domain.errors import NotFoundError

Key = TypeVar("Key", bound=Hashable)
Item = TypeVar("Item")


def put_all(store: dict[Key, Item], items: Iterable[Item], key: Callable[[Item], Key]) -> int:
    """Store every item under `key(item)`, replacing one stored there; the count stored."""
    count = 0
    for item in items:
        store[key(item)] = item
        count += 1
    return count


def get_stored(store: Mapping[Key, Item], key: Key, missing: str) -> Item:
    """The item stored under `key`; NotFoundError(`missing`) when there is none."""
    if key not in store:
        raise NotFoundError(missing)
    return store[key]
