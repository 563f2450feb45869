"""The visiting loop's ports: routes and overflow marks, plan jobs, visits, tickets, coverage
counters and the projector's dead letters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from careroute.domain.coverage import Projection, Scope
from careroute.domain.policy import Policy
from careroute.domain.tickets import Ticket
from careroute.domain.vocabulary import Elder, VisitRecord
from careroute.messages.visits import PlanJob
from careroute.service_layer.ports.jobs import JobQueue


class RouteRepository(Protocol):
    def save_route(self, document: dict[str, Any]) -> None:
        """Store a steward's route document (docs/plan-format.md), replacing that day's."""
        ...

    def find_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        """The steward's route for the day, or None."""
        ...

    def replace_route(self, document: dict[str, Any], previous: dict[str, Any] | None) -> bool:
        """Store `document` only if the steward's route of that day is still `previous` (None:
        no route yet); False when someone changed it meanwhile (read again, redo the change)."""
        ...


class DayMark(StrEnum):
    """What a community's route of a plan date said of its steward's coming days."""

    OVERFLOW = "overflow"
    """More work than days: visits without a day that keeps their retry margin."""
    PINNED = "pinned"
    """The next working day is full of visits on the last day that keeps their margin: a
    try failing before it pushes one past its margin unless a neighbour helps."""


class OverflowMarks(Protocol):
    """Which communities' routes said their steward has more work than days (or a next day
    pinned full), per plan date: the solver writes them, the next nights' fan-out reads them."""

    def mark_overflow(self, plan_date: date, community_id: str, on: bool, kind: DayMark) -> None:
        """Set (`on`) or clear (a re-plan without it) the community's mark of `kind` for the
        date."""
        ...

    def overflowing_on(self, plan_date: date, kind: DayMark = DayMark.OVERFLOW) -> set[str]:
        """The communities marked `kind` for the date."""
        ...


PlanJobQueue = JobQueue[PlanJob]
"""The plan jobs: one community's day each."""


class VisitRepository(Protocol):
    def save_visit_once(self, record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
        """Store the visit unless its id exists: (stored record, created?). The same id with
        another request_hash raises ConflictError; with the same, returns the first record."""
        ...

    def save_visit_as_read(
        self, record: VisitRecord, request_hash: str, elder: Elder
    ) -> tuple[VisitRecord, bool] | None:
        """As save_visit_once, and in the same write only while the stored elder still has
        what `record` took from `elder` (as read, perhaps from a cache): its street, district
        and the tier's inputs. None, nothing stored, when it has not (read it again)."""
        ...

    def save_visit_as_claimed(
        self, record: VisitRecord, request_hash: str, policy: Policy
    ) -> tuple[VisitRecord, bool] | None:
        """As save_visit_once, and in the same write only while what `record` claims (from
        its stop's reference, `planning.stop_ref`) holds: its steward serves its community,
        and its elder is stored there, in its street and district, with its tier on its local
        day under `policy`. None, nothing stored, when it does not (record it another way)."""
        ...

    def all_visits(self) -> Iterator[VisitRecord]:
        """Every visit record, in no particular order."""
        ...

    def visits_between(self, first: date, last: date, scope: Scope) -> Iterator[VisitRecord]:
        """The visit records inside `scope` whose visited_at falls on a day from `first` to
        `last` in the offset it was recorded with (a scan: for the officials' month chart,
        not for hot paths), in no particular order."""
        ...

    def elder_visits_in_month(self, elder_id: str, month: str) -> Iterator[VisitRecord]:
        """The elder's visit records whose China local month is `month` ('YYYY-MM'), in no
        particular order (an index read: the projector counts an elder's failed tries)."""
        ...


class TicketRepository(Protocol):
    def open_once(self, ticket: Ticket) -> bool:
        """Store a new ticket and count it in its scopes' month, all or nothing; False (and
        nothing counted) when a ticket with its id exists."""
        ...

    def get_ticket(self, ticket_id: str) -> Ticket:
        """The ticket (read consistently); NotFoundError when there is none."""
        ...

    def of_community(self, community_id: str) -> Iterator[Ticket]:
        """The community's tickets, open and closed, soonest due first."""
        ...

    def open_tickets(self, within: Scope | None = None) -> Iterator[Ticket]:
        """Every open ticket in `within` (the city without), soonest due first. The city's
        open tickets are one index: `within` is a filter."""
        ...

    def open_due_before(self, now: datetime) -> Iterator[Ticket]:
        """Every open ticket due before `now`, soonest due first."""
        ...

    def open_due(self, scope: Scope) -> list[tuple[datetime, str]]:
        """The scope's open tickets as (due time, ticket id), soonest due first, from items
        kept by the same writes that open and close tickets: no ticket read."""
        ...

    def replace_open_due(self, open_tickets: Iterable[Ticket]) -> None:
        """Replace what `open_due` answers for every scope with `open_tickets` (a recount)."""
        ...

    def get_tickets(self, ticket_ids: Sequence[str]) -> list[Ticket]:
        """The tickets with these ids (one batch read), in no particular order; unknown ids
        are left out."""
        ...

    def save_level(self, before: Ticket, after: Ticket, at: datetime) -> bool:
        """Raise an open ticket from `before.level` to `after.level` (escalated at `at`);
        False when it is no longer open at that level (escalated or closed meanwhile)."""
        ...

    def save_closed(self, ticket: Ticket) -> bool:
        """Store a closed ticket's closing (when, by whom, action, result) and count it in its
        scopes' month, all or nothing; False when it was closed already (or is unknown)."""
        ...


class CoverageRepository(Protocol):
    def project_visit(self, record: VisitRecord, contacts_count: bool = False) -> Projection:
        """Count the visit in every scope x (its tier, ALL) of its month, exactly once per
        visit id; the elder counts as visited once per month (completed outcomes only, and
        phone or video contacts when `contacts_count`, the policy's `[contacts]`)."""
        ...

    def save_registry_totals(self, totals: dict[tuple[Scope, str], int]) -> int:
        """Replace the denominators (active elders per scope x tier)."""
        ...

    def change_registry_totals(self, changes: Mapping[tuple[Scope, str], int], key: str) -> bool:
        """Add `changes` to the denominators once per `key` (the change that caused them, e.g.
        an elder added or a visit's status change): False, and nothing changed, for a key
        applied before."""
        ...

    def read_coverage(self, month: str, scope: Scope) -> list[dict[str, Any]]:
        """One row per tier (T1, T2, T3, ALL), as domain.coverage.coverage_row gives it."""
        ...

    def read_ticket_counts(self, month: str, scope: Scope) -> dict[str, int]:
        """Tickets opened in the month within the scope: opened, closed, closed_on_time."""
        ...

    def scope_exists(self, scope: Scope) -> bool:
        """True when the registry totals count an active elder in `scope` (the registry
        knows it); False for an unknown scope, or one with no active elder."""
        ...

    def stored_counters(self, month: str) -> dict[tuple[Scope, str], dict[str, Any]]:
        """Every counter of the month by (scope, tier), as coverage_row gives it with no
        elders due (a scan: for the drift check, not for requests)."""
        ...

    def overwrite_counters(self, month: str, rows: dict[tuple[Scope, str], dict[str, Any]]) -> int:
        """Replace the month's counters with `rows` (elders_visited, visits_made, outcomes),
        e.g. a rebuild; the count written. A counter stored but not in `rows` is set to zero,
        not removed (no scope vanishes from a reader); the markers stay, so a redelivered
        visit still counts once."""
        ...


@dataclass(frozen=True)
class Replayed:
    """What a replay of dead letters did: how many left the queue, how many are still in it."""

    moved: int
    left: int


class FailedVisitBatches(Protocol):
    """The visit-stream batches the projector gave up on (its dead-letter queue), each read
    back as the visit records it held."""

    def replay_each(
        self, replay: Callable[[Iterator[VisitRecord]], object], limit: int | None = None
    ) -> Replayed:
        """Give up to `limit` batches (default: all) to `replay`, each as its records in
        stream order; a batch leaves the queue only once `replay` returned. One that
        `replay` raised on, or whose records are no longer in the stream, stays (and counts
        as left). StorageError when the queue cannot be read."""
        ...
