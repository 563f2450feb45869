"""The ports on DynamoDB: thin classes over `careroute.storage`'s tables.

The tables must be bound first (`careroute.storage.bind_tables`, done by every handler's
set-up at cold start).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from careroute.adapters.cached import CachedStewards
from careroute.domain import Elder, Steward, VisitRecord
from careroute.services.visits import VisitRecording
from careroute.storage import registry, routes, visits


class DynamoStewards:
    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        return registry.save_stewards(stewards)

    def get_steward(self, steward_id: str) -> Steward:
        return registry.get_steward(steward_id)


class DynamoElders:
    def save_elders(self, elders: Iterable[Elder]) -> int:
        return registry.save_elders(elders)

    def get_elder(self, community_id: str, elder_id: str) -> Elder:
        return registry.get_elder(community_id, elder_id)


class DynamoRoutes:
    def save_route(self, document: dict[str, Any]) -> None:
        routes.save_route(document)

    def find_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        return routes.find_route(steward_id, day)


class DynamoVisits:
    def save_visit_once(self, record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
        return visits.save_visit_once(record, request_hash)

    def all_visits(self) -> Iterator[VisitRecord]:
        return visits.all_visits()


def visit_recording() -> VisitRecording:
    """The ports of recording a visit, on DynamoDB, with the steward read cached briefly."""
    return VisitRecording(
        stewards=CachedStewards(DynamoStewards()),
        elders=DynamoElders(),
        routes=DynamoRoutes(),
        visits=DynamoVisits(),
    )
