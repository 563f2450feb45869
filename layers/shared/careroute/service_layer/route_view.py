"""A steward's route as the steward sees it: the plan plus each elder's name and address,
and the numbers to call (the elder's phone, the guardian's name and phone).

The read is audited (who, when, which elders) before the names leave the service: one
entry per community whose elders the route shows, all written in one call. The phone
numbers are not in the stored plan: they are read from the registry on each audited read
(the steward's own, or the city admin's), so an unaudited read never carries them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from careroute.domain.access import Caller
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import NotFoundError
from careroute.domain.vocabulary import Elder
from careroute.service_layer.ports import ElderRepository, ReadAudit, RouteRepository

CONTACT_STOP_FIELDS = ("phone", "guardian", "guardian_phone")
"""Whom the steward may call about the stop (None: the registry has none)."""
PERSONAL_STOP_FIELDS = ("name", "address", *CONTACT_STOP_FIELDS)
"""What a route stop says about the elder beyond ids: for the steward's eyes only."""


@dataclass(frozen=True)
class RouteReading:
    """The ports reading a steward's route reads and writes (the audit of the read)."""

    routes: RouteRepository
    elders: ElderRepository
    audit: ReadAudit


def steward_route(
    steward_id: str,
    plan_date: date,
    now: datetime,
    ports: RouteReading,
    reader: Caller | None = None,
) -> dict[str, Any]:
    """The route as stored (names and addresses were written with it at planning time);
    routes stored without them (older plans) get them from the registry. With a `reader`,
    their read of each community's elders is recorded at `now`, and each stop carries the
    elder's and the guardian's numbers from the registry."""
    document = ports.routes.find_route(steward_id, plan_date)
    if document is None:
        raise NotFoundError(f"no route for steward {steward_id} on {plan_date.isoformat()}")
    home = document["community_id"]
    document = {**document, "stops": [dict(stop) for stop in document["stops"]]}
    by_community: dict[str, list[str]] = defaultdict(list)
    for stop in document["stops"]:
        # Cover stops (an absent neighbour's elders) name the elder's own community.
        by_community[stop.get("community_id", home)].append(stop["elder_id"])
    reads: dict[str, Entry] = {}
    for community_id, elder_ids in sorted(by_community.items()):
        stops = [s for s in document["stops"] if s.get("community_id", home) == community_id]
        if reader is not None or any("name" not in stop for stop in stops):
            elders = ports.elders.get_elders(community_id, elder_ids)
            for stop in stops:
                elder = elders.get(stop["elder_id"])
                if "name" not in stop:
                    stop["name"] = elder.name if elder else None
                    stop["address"] = elder.address if elder else None
                if reader is not None:
                    stop.update(contacts(elder))
        if reader is not None:
            actor = Actor(reader.subject, reader.role.value)
            reads[community_id] = Entry(
                Kind.READ, now, actor, "route", elder_ids=tuple(sorted(elder_ids))
            )
    if reads:
        ports.audit.record_community_reads(reads)
    return document


def contacts(elder: Elder | None) -> dict[str, str | None]:
    """The stop's numbers to call, from the registry (None where it has none)."""
    if elder is None:
        return dict.fromkeys(CONTACT_STOP_FIELDS)
    return {
        "phone": elder.phone or None,
        "guardian": elder.guardian or None,
        "guardian_phone": elder.guardian_phone or None,
    }


def without_personal_data(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a route document with the elders' names, addresses and numbers left out."""
    stops = [
        {k: v for k, v in stop.items() if k not in PERSONAL_STOP_FIELDS}
        for stop in document["stops"]
    ]
    return {**document, "stops": stops}
