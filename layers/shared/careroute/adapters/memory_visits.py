"""The visiting loop's ports in memory: routes and overflow marks, plan jobs, visits, coverage
counters and tickets, behaving as the DynamoDB adapters do (`tests/contract/` runs both)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from careroute.adapters.coverage_counts import ticket_counts, visit_counts
from careroute.adapters.memory_jobs import MemoryJobs
from careroute.adapters.memory_store import get_stored, with_set
from careroute.domain.coverage import (
    OUTCOME_NAMES,
    TIER_ORDER,
    Projection,
    Scope,
    coverage_row,
    record_scopes,
    scopes_of,
)
from careroute.domain.errors import KEY_REUSED, ConflictError, NotFoundError
from careroute.domain.policy import Policy
from careroute.domain.tickets import Ticket, TicketStatus
from careroute.domain.vocabulary import Elder, VisitRecord, china_date
from careroute.messages.visits import PlanJob
from careroute.service_layer.ports import ElderRepository, StewardRepository
from careroute.service_layer.ports.visits import DayMark


class MemoryRoutes:
    def __init__(self) -> None:
        self._documents: dict[tuple[str, str], str] = {}

    def save_route(self, document: dict[str, Any]) -> None:
        key = (str(document["steward_id"]), str(document["date"]))
        self._documents[key] = json.dumps(document)

    def find_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        text = self._documents.get((steward_id, day.isoformat()))
        return None if text is None else dict(json.loads(text))

    def replace_route(self, document: dict[str, Any], previous: dict[str, Any] | None) -> bool:
        key = (str(document["steward_id"]), str(document["date"]))
        stored = self._documents.get(key)
        if (None if stored is None else json.loads(stored)) != previous:
            return False
        self._documents[key] = json.dumps(document)
        return True


class MemoryOverflowMarks:
    def __init__(self) -> None:
        self._marked: dict[tuple[DayMark, date], set[str]] = {}

    def mark_overflow(self, plan_date: date, community_id: str, on: bool, kind: DayMark) -> None:
        marked = self._marked.setdefault((kind, plan_date), set())
        if on:
            marked.add(community_id)
        else:
            marked.discard(community_id)

    def overflowing_on(self, plan_date: date, kind: DayMark = DayMark.OVERFLOW) -> set[str]:
        return set(self._marked.get((kind, plan_date), set()))


class MemoryPlanJobs(MemoryJobs[PlanJob]):
    """The queue of plan jobs (communities' days)."""

    def __init__(self) -> None:
        super().__init__(PlanJob)


def what_a_visit_takes(elder: Elder) -> tuple[object, ...]:
    """What a visit record takes from its elder: the scopes and the tier's inputs."""
    return (
        elder.community_id,
        elder.street_id,
        elder.district_id,
        elder.birth_date,
        elder.categories,
        elder.urgent_until,
    )


class MemoryVisits:
    """Visit records. With `elders`, `save_visit_as_read` checks the elder against them, as
    the table's transaction does; without, every elder passes: only for callers that never
    record a visit (recording takes the elder from the steward's route, which may be stale).
    `save_visit_as_claimed` stores nothing without both `elders` and `stewards`."""

    def __init__(
        self, elders: ElderRepository | None = None, stewards: StewardRepository | None = None
    ) -> None:
        self._elders = elders
        self._stewards = stewards
        self._by_id: dict[str, tuple[VisitRecord, str]] = {}
        self._new: list[VisitRecord] = []
        """Records stored since the last `take_new`, in the order stored (the stream)."""
        self._ids_of_elder_month: dict[tuple[str, str], list[str]] = {}
        """Visit ids by (elder, month), as the elder index finds them."""

    def save_visit_once(self, record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
        if record.visit_id not in self._by_id:
            self._by_id[record.visit_id] = (record, request_hash)
            self._new.append(record)
            key = (record.elder_id, record.month)
            self._ids_of_elder_month.setdefault(key, []).append(record.visit_id)
            return record, True
        stored, stored_hash = self._by_id[record.visit_id]
        if stored_hash != request_hash:
            raise ConflictError(KEY_REUSED)
        return stored, False

    def save_visit_as_read(
        self, record: VisitRecord, request_hash: str, elder: Elder
    ) -> tuple[VisitRecord, bool] | None:
        if record.visit_id not in self._by_id and not self._still_as_read(elder):
            return None
        return self.save_visit_once(record, request_hash)

    def save_visit_as_claimed(
        self, record: VisitRecord, request_hash: str, policy: Policy
    ) -> tuple[VisitRecord, bool] | None:
        if record.visit_id not in self._by_id and not self._as_claimed(record, policy):
            return None
        return self.save_visit_once(record, request_hash)

    def _as_claimed(self, record: VisitRecord, policy: Policy) -> bool:
        if self._elders is None or self._stewards is None:
            return False
        try:
            steward = self._stewards.get_steward(record.steward_id, consistent=True)
            elder = self._elders.get_elder(record.community_id, record.elder_id, consistent=True)
        except NotFoundError:
            return False
        return (
            steward.community_id == record.community_id
            and (elder.street_id, elder.district_id) == (record.street_id, record.district_id)
            and policy.tier_of(elder, china_date(record.visited_at)) is record.tier
        )

    def _still_as_read(self, elder: Elder) -> bool:
        if self._elders is None:
            return True
        try:
            stored = self._elders.get_elder(elder.community_id, elder.elder_id, consistent=True)
        except NotFoundError:
            return False
        return what_a_visit_takes(stored) == what_a_visit_takes(elder)

    def all_visits(self) -> Iterator[VisitRecord]:
        return iter([record for record, _ in self._by_id.values()])

    def visits_between(self, first: date, last: date, scope: Scope) -> Iterator[VisitRecord]:
        return iter(
            [
                record
                for record, _ in self._by_id.values()
                if first <= record.visited_at.date() <= last and scope in record_scopes(record)
            ]
        )

    def elder_visits_in_month(self, elder_id: str, month: str) -> Iterator[VisitRecord]:
        ids = self._ids_of_elder_month.get((elder_id, month), [])
        return iter([self._by_id[visit_id][0] for visit_id in ids])

    def take_new(self) -> list[VisitRecord]:
        """The records stored since the last call, oldest first, as the table's stream
        delivers them to the projector (a simulation's stream drain); none are kept."""
        taken, self._new = self._new, []
        return taken


class MemoryCoverage:
    """Counters per (month#scope, tier), the markers that make them exact, the registry
    totals and the ticket counters, as the coverage table keeps them."""

    def __init__(self) -> None:
        self._markers: set[str] = set()
        self._counters: dict[tuple[str, str], Counter[str]] = {}
        self._totals: dict[tuple[str, str], int] = {}
        self._tickets: dict[str, Counter[str]] = {}

    def project_visit(self, record: VisitRecord, contacts_count: bool = False) -> Projection:
        visit_marker = f"visit#{record.visit_id}"
        if visit_marker in self._markers:
            return Projection.DUPLICATE
        elder_marker = f"elder-month#{record.elder_id}#{record.month}"
        count_elder = record.counts_toward_month(contacts_count)
        count_elder = count_elder and elder_marker not in self._markers
        self._markers.add(visit_marker)
        if count_elder:
            self._markers.add(elder_marker)
        for scope, tier, names in visit_counts(record, count_elder):
            self._counters.setdefault((f"{record.month}#{scope}", tier), Counter()).update(names)
        return Projection.APPLIED

    def save_registry_totals(self, totals: dict[tuple[Scope, str], int]) -> int:
        for (scope, tier), count in totals.items():
            self._totals[(str(scope), tier)] = count
        return len(totals)

    def change_registry_totals(self, changes: Mapping[tuple[Scope, str], int], key: str) -> bool:
        marker = f"registry#{key}"
        if marker in self._markers:
            return False
        self._markers.add(marker)
        for (scope, tier), change in changes.items():
            self._totals[(str(scope), tier)] = self._totals.get((str(scope), tier), 0) + change
        return True

    def read_coverage(self, month: str, scope: Scope) -> list[dict[str, Any]]:
        return [
            coverage_row(
                tier,
                self._counters.get((f"{month}#{scope}", tier)),
                self._totals.get((str(scope), tier), 0),
            )
            for tier in TIER_ORDER
        ]

    def stored_counters(self, month: str) -> dict[tuple[Scope, str], dict[str, Any]]:
        """Every counter of a month by (scope, tier), as the coverage table's
        `stored_counters` gives them (for the checks, not requests)."""
        prefix = f"{month}#"
        return {
            (Scope.parse(key.removeprefix(prefix)), tier): coverage_row(tier, counts, 0)
            for (key, tier), counts in self._counters.items()
            if key.startswith(prefix)
        }

    def read_ticket_counts(self, month: str, scope: Scope) -> dict[str, int]:
        counts = self._tickets.get(f"{month}#{scope}", Counter())
        return {name: counts[f"tickets_{name}"] for name in ("opened", "closed", "closed_on_time")}

    def scope_exists(self, scope: Scope) -> bool:
        return any(key == str(scope) for key, _tier in self._totals)

    def overwrite_counters(self, month: str, rows: dict[tuple[Scope, str], dict[str, Any]]) -> int:
        stale = set(self.stored_counters(month)) - set(rows)
        for (scope, tier), row in rows.items():
            counts = Counter(elders_visited=row["elders_visited"], visits_made=row["visits_made"])
            for name in OUTCOME_NAMES:
                counts[f"outcome_{name}"] = row["outcomes"].get(name, 0)
            self._counters[(f"{month}#{scope}", tier)] = counts
        for scope, tier in stale:
            self._counters[(f"{month}#{scope}", tier)] = Counter()
        return len(rows) + len(stale)

    def count_ticket(self, ticket: Ticket, *, opened: bool) -> None:
        """Add to the ticket counters of every scope of `ticket`, in the month it opened."""
        month, scopes, names = ticket_counts(ticket, opened=opened)
        for scope in scopes:
            self._tickets.setdefault(f"{month}#{scope}", Counter()).update(names)


class MemoryTickets:
    """Tickets by id; opening one counts it in `coverage` in the same step."""

    def __init__(self, coverage: MemoryCoverage) -> None:
        self._coverage = coverage
        self._by_id: dict[str, Ticket] = {}
        self._ids_of_community: dict[str, list[str]] = {}
        """Ticket ids by community (a ticket never changes community): a steward's list
        reads one community's tickets, not the city's."""
        self._open_due: dict[Scope, set[tuple[datetime, str]]] = {}
        """Each scope's open tickets as (due time, id), kept with each open and close."""

    def open_once(self, ticket: Ticket) -> bool:
        if ticket.ticket_id in self._by_id:
            return False
        self._by_id[ticket.ticket_id] = ticket
        self._ids_of_community.setdefault(ticket.community_id, []).append(ticket.ticket_id)
        self._coverage.count_ticket(ticket, opened=True)
        if ticket.status is TicketStatus.OPEN:
            self._keep_open(ticket, is_open=True)
        return True

    def get_ticket(self, ticket_id: str) -> Ticket:
        return get_stored(self._by_id, ticket_id, f"ticket {ticket_id} not found")

    def _soonest_due(self, wanted: Iterable[Ticket]) -> Iterator[Ticket]:
        return iter(sorted(wanted, key=lambda t: (t.due_at, t.ticket_id)))

    def of_community(self, community_id: str) -> Iterator[Ticket]:
        ids = self._ids_of_community.get(community_id, [])
        return self._soonest_due(self._by_id[ticket_id] for ticket_id in ids)

    def open_tickets(self, within: Scope | None = None) -> Iterator[Ticket]:
        return self._soonest_due(
            t
            for t in self._by_id.values()
            if t.status is TicketStatus.OPEN
            and (within is None or within in scopes_of(t.community_id, t.street_id, t.district_id))
        )

    def open_due_before(self, now: datetime) -> Iterator[Ticket]:
        return self._soonest_due(t for t in self.open_tickets() if t.due_at < now)

    def open_due(self, scope: Scope) -> list[tuple[datetime, str]]:
        return sorted(self._open_due.get(scope, set()))

    def replace_open_due(self, open_tickets: Iterable[Ticket]) -> None:
        self._open_due = {}
        for ticket in open_tickets:
            self._keep_open(ticket, is_open=True)

    def get_tickets(self, ticket_ids: Sequence[str]) -> list[Ticket]:
        return [self._by_id[i] for i in ticket_ids if i in self._by_id]

    def _keep_open(self, ticket: Ticket, is_open: bool) -> None:
        entry = (ticket.due_at, ticket.ticket_id)
        for scope in scopes_of(ticket.community_id, ticket.street_id, ticket.district_id):
            kept = self._open_due.setdefault(scope, set())
            if is_open:
                kept.add(entry)
            else:
                kept.discard(entry)

    def save_level(self, before: Ticket, after: Ticket, at: datetime) -> bool:
        stored = self._by_id.get(before.ticket_id)
        if stored is None or stored.status is not TicketStatus.OPEN:
            return False
        if stored.level is not before.level:
            return False
        self._by_id[before.ticket_id] = replace(stored, level=after.level)
        return True

    def save_closed(self, ticket: Ticket) -> bool:
        stored = self._by_id.get(ticket.ticket_id)
        if stored is None or stored.status is not TicketStatus.OPEN:
            return False
        closing = ("closed_at", "closed_by", "action", "result")
        self._by_id[ticket.ticket_id] = with_set(
            stored, ticket, *closing, status=TicketStatus.CLOSED
        )
        self._coverage.count_ticket(ticket, opened=False)
        self._keep_open(ticket, is_open=False)
        return True
