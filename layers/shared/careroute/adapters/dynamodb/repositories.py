"""The ports on DynamoDB: thin classes over `careroute.adapters.dynamodb`'s tables.

The tables must be bound first (`careroute.adapters.dynamodb.bind_tables`, done by every handler's
set-up at cold start).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from careroute.adapters.cached import CachedStewards
from careroute.adapters.dynamodb import coverage, history, registry, routes, tickets, visits
from careroute.domain.coverage import Projection, Scope
from careroute.domain.elder_history import Entry, Kind
from careroute.domain.tickets import Ticket
from careroute.domain.vocabulary import Elder, ElderStatus, Steward, VisitRecord
from careroute.service_layer.projection import VisitProjection
from careroute.service_layer.visits import VisitRecording


class DynamoStewards:
    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        return registry.save_stewards(stewards)

    def get_steward(self, steward_id: str) -> Steward:
        return registry.get_steward(steward_id)


class DynamoElders:
    def save_elders(self, elders: Iterable[Elder]) -> int:
        return registry.save_elders(elders)

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        return registry.get_elder(community_id, elder_id, consistent)

    def mark_visited(self, community_id: str, elder_id: str, on: date) -> bool:
        return registry.mark_visited(community_id, elder_id, on)

    def mark_attempt(self, community_id: str, elder_id: str, at: datetime) -> bool:
        return registry.mark_attempt(community_id, elder_id, at)

    def raise_urgent_until(self, community_id: str, elder_id: str, until: date) -> bool:
        return registry.raise_urgent_until(community_id, elder_id, until)

    def change_status(
        self,
        community_id: str,
        elder_id: str,
        expected: ElderStatus,
        target: ElderStatus,
        at: datetime,
        change: tuple[str, Entry] | None = None,
    ) -> bool:
        update = registry.status_update(community_id, elder_id, expected, target, at)
        if change is None:
            return registry.apply_update(update, "set an elder's status")
        key, entry = change
        return history.apply_outcome_change(community_id, elder_id, update, entry, key)

    def changes(self, community_id: str, elder_id: str) -> list[Entry]:
        return list(history.entries(history.elder_pk(community_id, elder_id), Kind.CHANGE))


class DynamoRoutes:
    def save_route(self, document: dict[str, Any]) -> None:
        routes.save_route(document)

    def find_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        return routes.find_route(steward_id, day)


class DynamoTickets:
    def open_once(self, ticket: Ticket) -> bool:
        return tickets.open_once(ticket)

    def get_ticket(self, ticket_id: str) -> Ticket:
        return tickets.get_ticket(ticket_id, consistent=True)


class DynamoCoverage:
    def project_visit(self, record: VisitRecord) -> Projection:
        return coverage.project_visit(record)

    def save_registry_totals(self, totals: dict[tuple[Scope, str], int]) -> int:
        return coverage.save_registry_totals(totals)

    def read_coverage(self, month: str, scope: Scope) -> list[dict[str, Any]]:
        return coverage.read_coverage(month, scope)

    def read_ticket_counts(self, month: str, scope: Scope) -> dict[str, int]:
        return coverage.read_ticket_counts(month, scope)


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


def visit_projection() -> VisitProjection:
    """The ports of projecting a visit record, on DynamoDB."""
    return VisitProjection(
        elders=DynamoElders(), tickets=DynamoTickets(), coverage=DynamoCoverage()
    )
