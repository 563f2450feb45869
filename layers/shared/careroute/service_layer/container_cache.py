"""Values a container reads from storage and keeps for a short while (the bureau's policy,
the urgent responders' directory): one mechanism instead of a module global each, and one
call that forgets them all (a test starting afresh, a local stack that was reset)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


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


_EVERY: list[ContainerCache[Any]] = []


def forget_all() -> None:
    """Drop every cached value: the next read of each goes to storage."""
    for cache in _EVERY:
        cache.forget()
