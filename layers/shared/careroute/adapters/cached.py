"""Read caches in front of a port, per container: a batch of outcomes from one steward reads
the steward once, not once per outcome; a visit's elder comes from the container's copy of
the elder's community. Only single reads are cached; lists and writes go straight through."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from careroute.domain.errors import NotFoundError
from careroute.domain.vocabulary import Elder, Steward
from careroute.planning.service_circle import Facility
from careroute.service_layer.container_cache import ContainerCache

if TYPE_CHECKING:
    # Types only: the facilities' port module brings the meal planners with it.
    from careroute.service_layer.ports import (
        ElderRepository,
        FacilityRepository,
        StewardRepository,
    )

STEWARD_TTL_SECONDS = 60.0
"""A steward's community changes rarely; each container re-reads it at most this often."""
FACILITIES_TTL_SECONDS = 600.0
"""A facility opened or closed counts in officials' circle reads within ten minutes."""
COMMUNITIES_KEPT = 400
"""How many communities' elders a container keeps for recording visits (about 48,000 elders
of the city's 139,000 at ~1.3 KB each, ~60 MB); the community read longest ago goes first."""


class CachedStewards:
    def __init__(
        self,
        inner: StewardRepository,
        ttl_seconds: float = STEWARD_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._read: dict[str, tuple[float, Steward]] = {}

    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        saved = list(stewards)
        for steward in saved:
            self._read.pop(steward.steward_id, None)
        return self._inner.save_stewards(saved)

    def get_steward(self, steward_id: str, consistent: bool = False) -> Steward:
        """Cached, unless `consistent` asks for every write made before the call."""
        read_at, steward = self._read.get(steward_id, (0.0, None))
        if consistent or steward is None or self._monotonic() - read_at > self._ttl:
            steward = self._inner.get_steward(steward_id, consistent)
            self._read[steward_id] = (self._monotonic(), steward)
        return steward

    def all_stewards(self) -> Iterator[Steward]:
        return self._inner.all_stewards()

    def steward_of_community(self, community_id: str) -> Steward:
        return self._inner.steward_of_community(community_id)

    def set_leave(self, steward_id: str, dates: Iterable[date]) -> Steward:
        self._read.pop(steward_id, None)
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


class CommunityElders:
    """Single-elder reads answered from the container's copy of the elder's community: the
    first read of one of its elders reads the whole community (one query), so the community's
    later visits read nothing; an elder not in the copy is read alone (one added since is found
    at once, an unknown one is not found). For recording a visit only: the visit's write checks,
    in the same transaction, that the stored elder is still as read (`save_visit_as_read`), so
    a stale copy costs one more read and never stores a wrong record. A `consistent` read goes
    to the store and refreshes the copy."""

    def __init__(self, inner: ElderRepository, communities: int = COMMUNITIES_KEPT) -> None:
        self._inner = inner
        self._limit = communities
        self._copies: dict[str, dict[str, Elder]] = {}

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        copy = self._copies.get(community_id)
        if copy is None and not consistent:
            copy = self._copy(community_id)
        held = None if consistent or copy is None else copy.get(elder_id)
        if held is not None:
            return held
        try:
            elder = self._inner.get_elder(community_id, elder_id, consistent)
        except NotFoundError:
            if copy is not None:
                copy.pop(elder_id, None)
            raise
        if copy is not None:
            copy[elder_id] = elder
        return elder

    def _copy(self, community_id: str) -> dict[str, Elder]:
        if len(self._copies) >= self._limit:
            del self._copies[next(iter(self._copies))]
        elders = self._inner.elders_of_community(community_id)
        copy = self._copies[community_id] = {elder.elder_id: elder for elder in elders}
        return copy
