"""Home care beds' ports: the beds, their service visits and the providers' bed routes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from careroute.domain.bed_visits import BedVisit
from careroute.domain.beds import HomeCareBed


class BedRepository(Protocol):
    """Home care beds. A change is conditional on the version read."""

    def add_bed(self, bed: HomeCareBed, request_hash: str) -> bool:
        """Store a new bed with the fingerprint of the request that recorded it, and mark
        its elder as holding it; False when a bed with its id exists already, ConflictError
        when the elder holds another bed not closed (nothing written in either)."""
        ...

    def open_bed_of(self, elder_id: str) -> str | None:
        """The id of the elder's bed not closed, or None (read consistently)."""
        ...

    def get_bed(self, bed_id: str) -> tuple[HomeCareBed, str]:
        """The bed (read consistently) and its request's fingerprint; NotFoundError if none."""
        ...

    def save_bed(self, before: HomeCareBed, after: HomeCareBed) -> bool:
        """Store `after` if the stored bed is still at `before.version`; False otherwise.
        A bed closed by it no longer holds its elder (another bed may be added for them)."""
        ...

    def beds_of_district(self, district_id: str) -> list[HomeCareBed]:
        """Every bed of the district, any status, in id order."""
        ...

    def import_beds(self, beds: Iterable[HomeCareBed]) -> int:
        """Store checked beds of an import, each replacing the stored bed of its id whole,
        its elder's holder marker following it (set while open, dropped once closed); the
        count written."""
        ...


class BedVisitRepository(Protocol):
    """Service visits recorded at beds (never changed once written)."""

    def add_visit(self, visit: BedVisit, request_hash: str) -> bool:
        """Store a new visit; False when a visit with its id exists (nothing written)."""
        ...

    def get_visit(self, visit_id: str) -> tuple[BedVisit, str]:
        """The visit and its request's fingerprint; NotFoundError when there is none."""
        ...

    def visits_of_district(self, district_id: str, first: date, last: date) -> list[BedVisit]:
        """The district's visits made from `first` to `last` (China dates), oldest first."""
        ...

    def import_visits(self, visits: Iterable[BedVisit]) -> int:
        """Store checked visits of an import, each replacing the stored visit of its id; the
        count written."""
        ...


class BedRoutes(Protocol):
    """Each provider day's bed routes (one per worker with stops) and its summary."""

    def save_bed_plan(self, routes: list[dict[str, Any]], summary: dict[str, Any]) -> None:
        """Store (or replace) the provider day's routes and summary."""
        ...

    def bed_route(self, worker_id: str, day: date) -> dict[str, Any] | None:
        """The worker's bed route of the day, or None when they have no bed visit."""
        ...
