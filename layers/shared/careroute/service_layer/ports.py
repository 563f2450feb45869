"""The ports of the use cases: what a use case reads and writes, as typed Protocols.

A use case takes its ports as arguments; `careroute.adapters` implements them (DynamoDB in
the cloud and on the local stack, memory for fast tests and simulations), and one contract
suite (`tests/contract/`) runs against both so they cannot drift. Errors are the domain's:
a missing item is `NotFoundError`, a reused idempotency key `ConflictError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, Protocol

from careroute.domain.coverage import Projection, Scope
from careroute.domain.elder_history import Entry
from careroute.domain.tickets import Ticket
from careroute.domain.vocabulary import Elder, ElderStatus, Steward, VisitRecord


class StewardRepository(Protocol):
    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        """Store (or replace) stewards; returns how many."""
        ...

    def get_steward(self, steward_id: str) -> Steward:
        """The steward; NotFoundError when there is none."""
        ...


class ElderRepository(Protocol):
    def save_elders(self, elders: Iterable[Elder]) -> int:
        """Store (or replace) elders; returns how many."""
        ...

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        """The elder of that community; NotFoundError when there is none. `consistent`: see
        every write made before the call (a strongly consistent read)."""
        ...

    # What visit outcomes change. Each is conditional and safe to repeat in any order: True
    # when it changed something, False when a newer value is there (or the elder is unknown).

    def mark_visited(self, community_id: str, elder_id: str, on: date) -> bool:
        """Move the last completed visit forward to `on` (never backwards)."""
        ...

    def mark_attempt(self, community_id: str, elder_id: str, at: datetime) -> bool:
        """Move the latest failed attempt forward to `at`, unless a completed visit on or after
        its day is recorded (a failed attempt is "since the last visit" or not at all)."""
        ...

    def raise_urgent_until(self, community_id: str, elder_id: str, until: date) -> bool:
        """Move the date an urgent finding keeps the elder T1 until forward to `until`."""
        ...

    def change_status(
        self,
        community_id: str,
        elder_id: str,
        expected: ElderStatus,
        target: ElderStatus,
        at: datetime,
        change: tuple[str, Entry] | None = None,
    ) -> bool:
        """Set the status `target` (or confirm it) as observed at `at`, only while it is still
        `expected` and nothing at or after `at` set it; with `change` = (key, entry), write the
        history entry under that key in the same all-or-nothing step (an entry already there
        under the key makes it a repeat: nothing is written)."""
        ...

    def changes(self, community_id: str, elder_id: str) -> list[Entry]:
        """The elder's history of changes, newest first."""
        ...


class RouteRepository(Protocol):
    def save_route(self, document: dict[str, Any]) -> None:
        """Store a steward's route document (docs/plan-format.md), replacing that day's."""
        ...

    def find_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        """The steward's route for the day, or None."""
        ...


class VisitRepository(Protocol):
    def save_visit_once(self, record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
        """Store the visit unless its id exists: (stored record, created?). The same id with
        another request_hash raises ConflictError; with the same, returns the first record."""
        ...

    def all_visits(self) -> Iterator[VisitRecord]:
        """Every visit record, in no particular order."""
        ...


class TicketRepository(Protocol):
    def open_once(self, ticket: Ticket) -> bool:
        """Store a new ticket and count it in its scopes' month, all or nothing; False (and
        nothing counted) when a ticket with its id exists."""
        ...

    def get_ticket(self, ticket_id: str) -> Ticket:
        """The ticket; NotFoundError when there is none."""
        ...


class CoverageRepository(Protocol):
    def project_visit(self, record: VisitRecord) -> Projection:
        """Count the visit in every scope x (its tier, ALL) of its month, exactly once per
        visit id; the elder counts as visited once per month (completed outcomes only)."""
        ...

    def save_registry_totals(self, totals: dict[tuple[Scope, str], int]) -> int:
        """Replace the denominators (active elders per scope x tier)."""
        ...

    def read_coverage(self, month: str, scope: Scope) -> list[dict[str, Any]]:
        """One row per tier (T1, T2, T3, ALL), as domain.coverage.coverage_row gives it."""
        ...

    def read_ticket_counts(self, month: str, scope: Scope) -> dict[str, int]:
        """Tickets opened in the month within the scope: opened, closed, closed_on_time."""
        ...
