"""The elders on stewards' routes of a day as the route's stops carry them
(`planning.stop_elder`), kept per container: a steward's outcomes are recorded from the route,
one write each, instead of a read of each elder and then the write. The route also says which
community the steward serves that day, so an outcome needs no read of the steward either.

A route is kept when its steward reads it (the morning's page) or, failing that, read at the
steward's first outcome of the day in the container. A kept copy may be stale (the elder
changed since the plan, the day re-planned): the visit's write checks the elder it was made
from, and an elder that changed is read again and kept in the route's place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from careroute.domain.vocabulary import Elder
from careroute.planning.stop_elder import ELDER_FACTS, elder_on_stop
from careroute.service_layer.container_cache import KeyedContainerCache
from careroute.service_layer.ports import RouteRepository

ROUTES_KEPT = 2_500
"""Stewards' days a container keeps. One container may serve a whole city's stewards (1,153
routes a day in the synthetic Shenyang; a day's ~15,000 outcomes are well under one request a
second): with fewer kept than the stewards it serves, the route read longest ago is dropped
before its steward's next outcome, which reads it again and drops the next one, so nearly
every outcome would read its route. A route of 12 stops is ~24 kB kept: 2,500 are ~60 MB
of the function's 1,024."""
KEPT_STOP_FIELDS = ("elder_id", "community_id", "lat", "lng", "window", ELDER_FACTS)
"""What a visit record's elder takes from a stop (`elder_on_stop`): not the names, addresses
and numbers the stop also carries for the steward."""
ROUTE_TTL_SECONDS = 12 * 3_600.0
"""A kept route is read again after a working day: a steward's outcomes come some half an
hour apart, and a stale copy costs a read, never a wrong record (a stop a re-plan added
reads its elder, an elder changed since is read again at its next outcome)."""


class RouteElders:
    """The elders on one route, made from its stops when first asked for (the steward's read
    of the route pays nothing for them), and the community the route serves (None: no
    route that day)."""

    def __init__(self, stops: list[dict[str, Any]], community_id: str | None = None) -> None:
        self.community_id = community_id
        self._stops = {
            (s["community_id"], s["elder_id"]): {f: s[f] for f in KEPT_STOP_FIELDS if f in s}
            for s in stops
            if ELDER_FACTS in s
        }
        self._read: dict[tuple[str, str], Elder] = {}

    def elder(self, community_id: str, elder_id: str) -> Elder | None:
        """The elder as the route has it (or as read since); None when not on the route."""
        key = (community_id, elder_id)
        if key in self._read:
            return self._read[key]
        stop = self._stops.get(key)
        return None if stop is None else elder_on_stop(stop)

    def renew(self, elder: Elder) -> None:
        """Keep `elder`, read since the route was, in the place of the route's copy."""
        key = (elder.community_id, elder.elder_id)
        if key in self._stops:
            self._read[key] = elder


_kept: KeyedContainerCache[tuple[str, str], RouteElders] = KeyedContainerCache(
    ROUTE_TTL_SECONDS, ROUTES_KEPT
)


def keep_route(document: Mapping[str, Any]) -> None:
    """Keep the elders of a route document just read."""
    elders = RouteElders(document["stops"], document["community_id"])
    _kept.put((document["steward_id"], document["date"]), elders)


def route_kept(steward_id: str, day: date) -> bool:
    """Is the steward's route of `day` kept in this container?"""
    return _kept.holds((steward_id, day.isoformat()))


def drop_route(steward_id: str, day: date) -> None:
    """Keep the steward's route of `day` no longer (as a container that has not seen it)."""
    _kept.drop((steward_id, day.isoformat()))


def route_elders(routes: RouteRepository, steward_id: str, day: date) -> RouteElders:
    """The elders on the steward's route of `day`, as kept (read and kept when they are not;
    none without a route)."""

    def read() -> RouteElders:
        document = routes.find_route(steward_id, day)
        if document is None:
            return RouteElders([])
        return RouteElders(document["stops"], document["community_id"])

    return _kept.get((steward_id, day.isoformat()), read)
