"""What the memory adapters do the same way, written once: keep items by key as a table
does (storing one again replaces it), answer a missing key as the DynamoDB adapters do
(the `tables` helpers `write_all`, `get_item` and batch reads on that side), keep a list that an
import replaces whole (`replace_all` on that side), and set some attributes of a stored item as
an UpdateItem does (`with_set`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from careroute.domain.errors import NotFoundError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Key = TypeVar("Key", bound=Hashable)
Item = TypeVar("Item")
Stored = TypeVar("Stored", bound="DataclassInstance")


def put_all(store: dict[Key, Item], items: Iterable[Item], key: Callable[[Item], Key]) -> int:
    """Store every item under `key(item)`, replacing one stored there; the count stored."""
    count = 0
    for item in items:
        store[key(item)] = item
        count += 1
    return count


def stored_of(store: Mapping[Key, Item], keys: Iterable[Key]) -> dict[Key, Item]:
    """The items stored under those of `keys` that have one, by key: a batch read, in which a
    key with nothing stored is absent, not an error."""
    return {key: store[key] for key in keys if key in store}


def get_stored(store: Mapping[Key, Item], key: Key, missing: str) -> Item:
    """The item stored under `key`; NotFoundError(`missing`) when there is none."""
    if key not in store:
        raise NotFoundError(missing)
    return store[key]


def with_set(stored: Stored, source: Any, *names: str, **values: Any) -> Stored:
    """`stored` as an UpdateItem that SETs the attributes `names` from `source` (and each of
    `values`) leaves it: every other attribute stays as stored, even where `source` differs."""
    return replace(stored, **{name: getattr(source, name) for name in names}, **values)


class ReplacedWhole(Generic[Item]):
    """A list an import replaces whole (an item left out is gone), read back in id order: the
    facilities, canteens and hospitals. A port names the two methods its own way, e.g.
    `replace_canteens = ReplacedWhole.replace_whole`."""

    def __init__(self, identity: Callable[[Item], str]) -> None:
        self._identity = identity
        self._in_order: list[Item] = []
        """Sorted once per import: a lunch booking reads every canteen to find its own."""

    def replace_whole(self, items: Iterable[Item]) -> int:
        """Make `items` the whole list; the count stored."""
        by_id = {self._identity(item): item for item in items}
        self._in_order = [by_id[key] for key in sorted(by_id)]
        return len(self._in_order)

    def in_id_order(self) -> list[Item]:
        return list(self._in_order)
