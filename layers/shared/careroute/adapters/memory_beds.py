"""Home care beds' ports in memory: beds, their service visits and the providers' bed routes,
with the DynamoDB adapters' behaviour (conditional writes by id and version)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from careroute.adapters.memory_store import get_stored
from careroute.domain.bed_visits import BedVisit
from careroute.domain.beds import BedStatus, HomeCareBed
from careroute.domain.errors import ConflictError


class MemoryBeds:
    def __init__(self) -> None:
        self._beds: dict[str, tuple[HomeCareBed, str]] = {}
        self._holders: dict[str, str] = {}
        """elder_id -> the id of their bed not closed (the table's holder marker)."""

    def add_bed(self, bed: HomeCareBed, request_hash: str) -> bool:
        if bed.bed_id in self._beds:
            return False
        held = self._holders.get(bed.elder_id)
        if held is not None:
            raise ConflictError(f"elder_id: the elder has a bed already ({held})")
        self._beds[bed.bed_id] = (bed, request_hash)
        self._hold(bed)
        return True

    def open_bed_of(self, elder_id: str) -> str | None:
        return self._holders.get(elder_id)

    def _hold(self, bed: HomeCareBed) -> None:
        if bed.status is BedStatus.CLOSED:
            if self._holders.get(bed.elder_id) == bed.bed_id:
                del self._holders[bed.elder_id]
        else:
            self._holders[bed.elder_id] = bed.bed_id

    def get_bed(self, bed_id: str) -> tuple[HomeCareBed, str]:
        return get_stored(self._beds, bed_id, f"bed {bed_id} not found")

    def save_bed(self, before: HomeCareBed, after: HomeCareBed) -> bool:
        stored = self._beds.get(before.bed_id)
        if stored is None or stored[0].version != before.version:
            return False
        self._beds[before.bed_id] = (after, stored[1])
        self._hold(after)
        return True

    def beds_of_district(self, district_id: str) -> list[HomeCareBed]:
        return sorted(
            (bed for bed, _ in self._beds.values() if bed.district_id == district_id),
            key=lambda bed: bed.bed_id,
        )

    def load(self, beds: Iterable[HomeCareBed]) -> int:
        """Store beds as a registry import would (the synthetic city's, in simulations)."""
        return self.import_beds(beds)

    def import_beds(self, beds: Iterable[HomeCareBed]) -> int:
        count = 0
        for bed in beds:
            self._beds[bed.bed_id] = (bed, "")
            self._hold(bed)
            count += 1
        return count

    def all_beds(self) -> list[HomeCareBed]:
        """Every bed, in id order (what an export writes)."""
        return [bed for _, (bed, _) in sorted(self._beds.items())]


class MemoryBedVisits:
    def __init__(self) -> None:
        self._visits: dict[str, tuple[BedVisit, str]] = {}

    def add_visit(self, visit: BedVisit, request_hash: str) -> bool:
        if visit.visit_id in self._visits:
            return False
        self._visits[visit.visit_id] = (visit, request_hash)
        return True

    def get_visit(self, visit_id: str) -> tuple[BedVisit, str]:
        return get_stored(self._visits, visit_id, f"bed visit {visit_id} not found")

    def visits_of_district(self, district_id: str, first: date, last: date) -> list[BedVisit]:
        found = [
            visit
            for visit, _ in self._visits.values()
            if visit.district_id == district_id and first <= visit.local_date <= last
        ]
        return sorted(found, key=lambda v: (v.visited_at, v.visit_id))

    def import_visits(self, visits: Iterable[BedVisit]) -> int:
        checked = list(visits)
        for visit in checked:
            self._visits[visit.visit_id] = (visit, "")
        return len(checked)


class MemoryBedRoutes:
    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], dict[str, Any]] = {}
        self.summaries: dict[tuple[str, str], dict[str, Any]] = {}

    def save_bed_plan(self, routes: list[dict[str, Any]], summary: dict[str, Any]) -> None:
        for route in routes:
            self._routes[(route["worker_id"], route["date"])] = route
        self.summaries[(summary["provider_id"], summary["date"])] = summary

    def bed_route(self, worker_id: str, day: date) -> dict[str, Any] | None:
        return self._routes.get((worker_id, day.isoformat()))
