"""A steward's route as the steward sees it: the plan plus each elder's name and address,
and the numbers to call (the elder's phone, the guardian's name and phone).

All of these are written into the route item when the route is written (the night's plan,
a re-plan, an urgent visit put in), so the read is that one item: what changed in the
registry since shows from the route's next write. Routes stored without them (older plans)
get them from the registry on the read. The read is audited (who, when, which elders)
before the names leave the service: one entry per community whose elders the route shows,
all written in one call. An unaudited read never carries the numbers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from careroute.domain.access import Caller
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import NotFoundError
from careroute.planning.route_contacts import CONTACT_STOP_FIELDS, stop_contacts
from careroute.planning.stop_elder import ELDER_FACTS
from careroute.planning.stop_ref import stop_ref
from careroute.service_layer.ports import ElderRepository, ReadAudit, RouteRepository
from careroute.service_layer.route_elders import keep_route

PERSONAL_STOP_FIELDS = ("name", "address", *CONTACT_STOP_FIELDS, ELDER_FACTS)
"""What a route stop says about the elder beyond ids: for the steward's eyes only (and the
facts a visit record takes, for recording outcomes: never answered)."""


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
    """The route as stored, names, addresses and numbers included. With a `reader`, their
    read of each community's elders is recorded at `now`; without one, the numbers are
    left out. Only stops stored without these fields cost a read of the registry. The
    container keeps the route's elders for the steward's outcomes (`route_elders`); the
    answer leaves out what it keeps them by (`ELDER_FACTS`) and gives each stop its
    reference instead (`stop_ref`: ids and the tier, null for a cover stop), which the phone
    sends back with the stop's outcome."""
    document = ports.routes.find_route(steward_id, plan_date)
    if document is None:
        raise NotFoundError(f"no route for steward {steward_id} on {plan_date.isoformat()}")
    keep_route(document)
    home = document["community_id"]
    stops = [
        {**{k: v for k, v in stop.items() if k != ELDER_FACTS}, "stop_ref": stop_ref(stop)}
        for stop in document["stops"]
    ]
    document = {**document, "stops": stops}
    wanted = ("name", *CONTACT_STOP_FIELDS) if reader is not None else ("name",)
    by_community: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for stop in document["stops"]:
        # Cover stops (an absent neighbour's elders) name the elder's own community.
        by_community[stop.get("community_id", home)].append(stop)
    reads: dict[str, Entry] = {}
    for community_id, stops in sorted(by_community.items()):
        if any(field not in stop for stop in stops for field in wanted):
            _fill_from_registry(community_id, stops, ports.elders, with_contacts=reader is not None)
        if reader is not None:
            actor = Actor(reader.subject, reader.role.value)
            elder_ids = tuple(sorted(stop["elder_id"] for stop in stops))
            reads[community_id] = Entry(Kind.READ, now, actor, "route", elder_ids=elder_ids)
    if reads:
        ports.audit.record_community_reads(reads)
    if reader is None:
        return without_fields(document, CONTACT_STOP_FIELDS)
    return document


def _fill_from_registry(
    community_id: str,
    stops: list[dict[str, Any]],
    elders: ElderRepository,
    with_contacts: bool,
) -> None:
    """Names, addresses (and numbers) from the registry, for stops stored without them."""
    found = elders.get_elders(community_id, [stop["elder_id"] for stop in stops])
    for stop in stops:
        elder = found.get(stop["elder_id"])
        if "name" not in stop:
            stop["name"] = elder.name if elder else None
            stop["address"] = elder.address if elder else None
        if with_contacts and any(field not in stop for field in CONTACT_STOP_FIELDS):
            stop.update(stop_contacts(elder))


def without_fields(document: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """A copy of a route document whose stops leave `fields` out."""
    stops = [{k: v for k, v in stop.items() if k not in fields} for stop in document["stops"]]
    return {**document, "stops": stops}


def without_personal_data(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of a route document with the elders' names, addresses and numbers left out."""
    return without_fields(document, PERSONAL_STOP_FIELDS)
