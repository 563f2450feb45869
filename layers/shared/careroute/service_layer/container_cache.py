"""Values a container reads from storage and keeps for a short while (the bureau's policy,
the urgent responders' directory, the stewards' routes of the day): one mechanism instead of a
module global each, and one call that forgets them all (a test starting afresh, a local stack
that was reset)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K")


class ContainerCache(Generic[T]):
    """One value, loaded on first use and again once it is older than `ttl_seconds`."""

    def __init__(self, ttl_seconds: float, monotonic: Callable[[], float] = time.monotonic):
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._held: tuple[float, T] | None = None
        _EVERY.append(self)

    def get(self, load: Callable[[], T]) -> T:
        now = self._monotonic()
        if self._held is None or now - self._held[0] > self._ttl:
            self._held = (now, load())
        return self._held[1]

    def forget(self) -> None:
        self._held = None


class KeyedContainerCache(Generic[K, T]):
    """One value per key, each loaded on first use and again once older than `ttl_seconds`;
    at most `limit` keys, the one loaded longest ago dropped first."""

    def __init__(
        self, ttl_seconds: float, limit: int, monotonic: Callable[[], float] = time.monotonic
    ):
        self._ttl = ttl_seconds
        self._limit = limit
        self._monotonic = monotonic
        self._held: dict[K, tuple[float, T]] = {}
        _EVERY.append(self)

    def get(self, key: K, load: Callable[[], T]) -> T:
        held = self._held.get(key)
        if held is None or self._monotonic() - held[0] > self._ttl:
            return self.put(key, load())
        return held[1]

    def holds(self, key: K) -> bool:
        """Is a value kept for `key` (and not yet too old to answer)?"""
        held = self._held.get(key)
        return held is not None and self._monotonic() - held[0] <= self._ttl

    def put(self, key: K, value: T) -> T:
        """Keep `value` for `key` from now on (e.g. read fresh elsewhere)."""
        self._held.pop(key, None)
        if len(self._held) >= self._limit:
            del self._held[next(iter(self._held))]
        self._held[key] = (self._monotonic(), value)
        return value

    def drop(self, key: K) -> None:
        """Forget `key`'s value (e.g. written elsewhere): the next `get` loads it."""
        self._held.pop(key, None)

    def forget(self) -> None:
        self._held.clear()


_EVERY: list[ContainerCache[Any] | KeyedContainerCache[Any, Any]] = []


def forget_all() -> None:
    """Drop every cached value: the next read of each goes to storage."""
    for cache in _EVERY:
        cache.forget()
