"""Short-lived read caches in front of a port, per container: a batch of outcomes from one
steward reads the steward once, not once per outcome. Only single-steward reads are cached;
lists and writes go straight through."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from careroute.domain.vocabulary import Steward
from careroute.service_layer.container_cache import ContainerCache, KeyedContainerCache

if TYPE_CHECKING:
    # Types only: the facilities' port module brings the meal planners with it, and the
    # facilities' module the service circle's planning (every function reads stewards here).
    from careroute.planning.service_circle import Facility
    from careroute.service_layer.ports import FacilityRepository, StewardRepository

STEWARD_TTL_SECONDS = 60.0
"""A steward's community changes rarely; each container re-reads it at most this often."""
STEWARDS_KEPT = 10_000
"""Stewards a container keeps at most (a city has a few thousand; a batch reads one)."""
FACILITIES_TTL_SECONDS = 600.0
"""A facility opened or closed counts in officials' circle reads within ten minutes."""


class CachedStewards:
    """Each steward read at most once per `ttl_seconds` (a container cache:
    `container_cache.forget_all` drops them); a write of a steward drops its copy."""

    def __init__(
        self,
        inner: StewardRepository,
        ttl_seconds: float = STEWARD_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._read: KeyedContainerCache[str, Steward] = KeyedContainerCache(
            ttl_seconds, STEWARDS_KEPT, monotonic
        )

    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        saved = list(stewards)
        for steward in saved:
            self._read.drop(steward.steward_id)
        return self._inner.save_stewards(saved)

    def get_steward(self, steward_id: str, consistent: bool = False) -> Steward:
        """Cached, unless `consistent` asks for every write made before the call."""
        if consistent:
            return self._read.put(steward_id, self._inner.get_steward(steward_id, True))
        return self._read.get(steward_id, lambda: self._inner.get_steward(steward_id))

    def all_stewards(self) -> Iterator[Steward]:
        return self._inner.all_stewards()

    def steward_of_community(self, community_id: str) -> Steward:
        return self._inner.steward_of_community(community_id)

    def set_leave(self, steward_id: str, dates: Iterable[date]) -> Steward:
        self._read.drop(steward_id)
        return self._inner.set_leave(steward_id, dates)


class CachedFacilities:
    """The whole list of service facilities, read at most once per `ttl_seconds` (a container
    cache: `container_cache.forget_all` drops it); a replace goes through and is read next."""

    def __init__(
        self,
        inner: FacilityRepository,
        ttl_seconds: float = FACILITIES_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._read: ContainerCache[list[Facility]] = ContainerCache(ttl_seconds, monotonic)

    def replace_facilities(self, facilities: Iterable[Facility]) -> int:
        self._read.forget()
        return self._inner.replace_facilities(facilities)

    def all_facilities(self) -> list[Facility]:
        return list(self._read.get(self._inner.all_facilities))
