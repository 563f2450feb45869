"""The home care beds' ports on DynamoDB: thin classes over the beds table, and the ports of
the bed use cases built from them, once per container. The tables must be bound first
(`bind_tables`, at cold start)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from careroute.adapters.dynamodb import home_care_beds
from careroute.adapters.dynamodb.order_repositories import DynamoProviders
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import wired
from careroute.domain.bed_visits import BedVisit
from careroute.domain.beds import HomeCareBed
from careroute.service_layer.beds import BedKeeping


class DynamoBeds:
    def add_bed(self, bed: HomeCareBed, request_hash: str) -> bool:
        return home_care_beds.add_bed(bed, request_hash)

    def get_bed(self, bed_id: str) -> tuple[HomeCareBed, str]:
        return home_care_beds.get_bed(bed_id)

    def open_bed_of(self, elder_id: str) -> str | None:
        return home_care_beds.open_bed_of(elder_id)

    def save_bed(self, before: HomeCareBed, after: HomeCareBed) -> bool:
        return home_care_beds.save_bed(before, after)

    def beds_of_district(self, district_id: str) -> list[HomeCareBed]:
        return sorted(home_care_beds.beds_of_district(district_id), key=lambda b: b.bed_id)

    def import_beds(self, beds: Iterable[HomeCareBed]) -> int:
        return home_care_beds.import_beds(beds)


class DynamoBedVisits:
    def add_visit(self, visit: BedVisit, request_hash: str) -> bool:
        return home_care_beds.add_visit(visit, request_hash)

    def get_visit(self, visit_id: str) -> tuple[BedVisit, str]:
        return home_care_beds.get_visit(visit_id)

    def visits_of_district(self, district_id: str, first: date, last: date) -> list[BedVisit]:
        return home_care_beds.visits_of_district(district_id, first, last)

    def import_visits(self, visits: Iterable[BedVisit]) -> int:
        return home_care_beds.import_visits(visits)


class DynamoBedRoutes:
    def save_bed_plan(self, routes: list[dict[str, Any]], summary: dict[str, Any]) -> None:
        home_care_beds.save_bed_plan(routes, summary)

    def bed_route(self, worker_id: str, day: date) -> dict[str, Any] | None:
        return home_care_beds.bed_route(worker_id, day)


def bed_keeping() -> BedKeeping:
    """The ports of the bed use cases (API and planner), on DynamoDB: the registry's, the
    providers', and the beds' own visits and routes."""
    return wired(
        BedKeeping,
        {**PORTS, "providers": DynamoProviders},
        beds=DynamoBeds(),
        visits=DynamoBedVisits(),
        routes=DynamoBedRoutes(),
    )
