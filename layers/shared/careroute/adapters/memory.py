"""The ports in memory: dicts behind the same behaviour as the DynamoDB adapters.

For service-layer tests and fast simulations. Stored values are copies (route documents go
through JSON, as DynamoDB's would), so a caller changing what it saved or read changes
nothing stored. `tests/contract/` runs the same tests against these and the DynamoDB ones.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from careroute.adapters.memory_jobs import MemoryJobs
from careroute.domain import clock
from careroute.domain.coverage import (
    ALL_TIERS,
    OUTCOME_NAMES,
    TIER_ORDER,
    Projection,
    Scope,
    ScopeKind,
    coverage_row,
    record_scopes,
    scopes_of,
)
from careroute.domain.elder_fields import ELDER_FIELDS, with_fields
from careroute.domain.elder_history import Entry
from careroute.domain.errors import KEY_REUSED, ConflictError, NotFoundError
from careroute.domain.tickets import Ticket, TicketStatus, closed_on_time, opening_month
from careroute.domain.vocabulary import (
    Category,
    Community,
    Elder,
    ElderStatus,
    Steward,
    VisitRecord,
    attempt_since_visit,
    china_date,
)
from careroute.messages.visits import PlanJob

_Ordered = TypeVar("_Ordered", date, datetime)


class MemoryCommunities:
    def __init__(self) -> None:
        self._by_id: dict[str, Community] = {}
        self.version = 0
        """Counts the saves: a reader may keep what it derived until this changes."""

    def save_communities(self, communities: Iterable[Community]) -> int:
        count = 0
        for community in communities:
            self._by_id[community.community_id] = community
            count += 1
        self.version += 1
        return count

    def get_community(self, community_id: str) -> Community:
        if community_id not in self._by_id:
            raise NotFoundError(f"community {community_id} not found")
        return self._by_id[community_id]

    def all_communities(self) -> Iterator[Community]:
        return iter(list(self._by_id.values()))


class MemoryStewards:
    def __init__(self) -> None:
        self._by_id: dict[str, Steward] = {}

    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        count = 0
        for steward in stewards:
            self._by_id[steward.steward_id] = steward
            count += 1
        return count

    def get_steward(self, steward_id: str, consistent: bool = False) -> Steward:
        if steward_id not in self._by_id:
            raise NotFoundError(f"steward {steward_id} not found")
        return self._by_id[steward_id]

    def all_stewards(self) -> Iterator[Steward]:
        return iter(list(self._by_id.values()))

    def steward_of_community(self, community_id: str) -> Steward:
        for steward_id in sorted(self._by_id):
            if self._by_id[steward_id].community_id == community_id:
                return self._by_id[steward_id]
        raise NotFoundError(f"community {community_id} has no steward")

    def set_leave(self, steward_id: str, dates: Iterable[date]) -> Steward:
        stored = replace(self.get_steward(steward_id), leave=frozenset(dates))
        self._by_id[steward_id] = stored
        return stored


@dataclass
class _ElderState:
    """An elder as stored: the registry entry plus what visit outcomes move."""

    elder: Elder
    attempt_at: datetime | None = None
    """The latest failed attempt as stored (read through attempt_since_visit)."""
    status_changed_at: datetime | None = None
    changes: dict[str, Entry] = field(default_factory=dict)
    """History entries by their key (at, kind, key), as the table's sort key."""


class MemoryElders:
    def __init__(self) -> None:
        self._by_community: dict[str, dict[str, _ElderState]] = {}
        """Elders by community, then by id (a community's elders are read together)."""

    def _state(self, community_id: str, elder_id: str) -> _ElderState | None:
        return self._by_community.get(community_id, {}).get(elder_id)

    def save_elders(self, elders: Iterable[Elder]) -> int:
        """As the registry's put does: a saved elder starts without benefit tasks (the daily
        scan adds them)."""
        count = 0
        for elder in elders:
            self._by_community.setdefault(elder.community_id, {})[elder.elder_id] = _ElderState(
                replace(elder, last_attempt_at=None, benefit_tasks=frozenset()),
                attempt_at=elder.last_attempt_at,
            )
            count += 1
        return count

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        state = self._state(community_id, elder_id)
        if state is None:
            raise NotFoundError(f"elder {elder_id} not found in community {community_id}")
        return _as_read(state)

    def elders_of_community(self, community_id: str) -> list[Elder]:
        return [
            _as_read(state) for _, state in sorted(self._by_community.get(community_id, {}).items())
        ]

    def get_elders(self, community_id: str, elder_ids: Iterable[str]) -> dict[str, Elder]:
        found = (self._state(community_id, elder_id) for elder_id in elder_ids)
        return {state.elder.elder_id: _as_read(state) for state in found if state is not None}

    def add_benefit_task(self, community_id: str, elder_id: str, rule_id: str) -> bool:
        state = self._state(community_id, elder_id)
        if state is None or rule_id in state.elder.benefit_tasks:
            return False
        tasks = state.elder.benefit_tasks | {rule_id}
        state.elder = replace(state.elder, benefit_tasks=tasks)
        return True

    def mark_visited(self, community_id: str, elder_id: str, on: date) -> bool:
        state = self._state(community_id, elder_id)
        if state is None or not _later(on, state.elder.last_visited_on):
            return False
        state.elder = replace(state.elder, last_visited_on=on)
        return True

    def mark_attempt(self, community_id: str, elder_id: str, at: datetime) -> bool:
        state = self._state(community_id, elder_id)
        if state is None or not _later(at, state.attempt_at):
            return False
        if not _later(china_date(at), state.elder.last_visited_on):
            return False
        state.attempt_at = at
        return True

    def raise_urgent_until(self, community_id: str, elder_id: str, until: date) -> bool:
        state = self._state(community_id, elder_id)
        if state is None or not _later(until, state.elder.urgent_until):
            return False
        state.elder = replace(state.elder, urgent_until=until)
        return True

    def change_status(
        self,
        community_id: str,
        elder_id: str,
        expected: ElderStatus,
        target: ElderStatus,
        at: datetime,
        change: tuple[str, Entry] | None = None,
    ) -> bool:
        state = self._state(community_id, elder_id)
        if state is None or state.elder.status is not expected:
            return False
        if not _later(at, state.status_changed_at):
            return False
        if change is not None:
            key, entry = change
            sort_key = f"{entry.at.astimezone(UTC).isoformat()}#{entry.kind.value}#{key}"
            if sort_key in state.changes:
                return False
            state.changes[sort_key] = entry
        state.elder = replace(state.elder, status=target)
        state.status_changed_at = at
        return True

    def changes(self, community_id: str, elder_id: str) -> list[Entry]:
        state = self._state(community_id, elder_id)
        if state is None:
            return []
        return [state.changes[key] for key in sorted(state.changes, reverse=True)]

    def elders_after(self, community_id: str, after: str | None) -> Iterator[Elder]:
        return iter(
            [e for e in self.elders_of_community(community_id) if not after or e.elder_id > after]
        )

    def change_registry(self, before: Elder, after: Elder, changes: Iterable[Entry]) -> None:
        state = self._state(before.community_id, before.elder_id)
        names = [name for name, value in ELDER_FIELDS.items() if value(after) != value(before)]
        if state is None or any(
            ELDER_FIELDS[name](state.elder) != ELDER_FIELDS[name](before) for name in names
        ):
            raise ConflictError("the elder was changed meanwhile; read it and retry")
        state.elder = with_fields(state.elder, {name: ELDER_FIELDS[name](after) for name in names})
        if "status" in names:
            state.status_changed_at = clock.now()
        for entry in changes:
            at = entry.at.astimezone(UTC).isoformat()
            state.changes[f"{at}#{entry.kind.value}#{uuid.uuid4().hex[:12]}"] = entry

    def grade(
        self,
        before: Elder,
        care_level: str,
        categories: Iterable[str],
        changes: Iterable[tuple[str, Entry]],
    ) -> bool:
        """Set the elder's care level and categories (a needs assessment) and write the
        history `changes` (key, entry), only while the care level and categories are still
        `before`'s and no entry is there under a key; False (nothing written) otherwise."""
        state = self._state(before.community_id, before.elder_id)
        if state is None or (state.elder.care_level, state.elder.categories) != (
            before.care_level,
            before.categories,
        ):
            return False
        keyed = {
            f"{entry.at.astimezone(UTC).isoformat()}#{entry.kind.value}#{key}": entry
            for key, entry in changes
        }
        if keyed.keys() & state.changes.keys():
            return False
        state.changes.update(keyed)
        graded = frozenset(Category(c) for c in categories)
        state.elder = replace(state.elder, care_level=care_level, categories=graded)
        return True


def _as_read(state: _ElderState) -> Elder:
    """The elder as a read returns it: the failed attempt only if since the last visit."""
    attempt = attempt_since_visit(state.attempt_at, state.elder.last_visited_on)
    return replace(state.elder, last_attempt_at=attempt)


def _later(new: _Ordered, stored: _Ordered | None) -> bool:
    """A conditional maximum's test: nothing stored yet, or `new` is after what is."""
    return stored is None or new > stored


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
        self._marked: dict[date, set[str]] = {}

    def mark_overflow(self, plan_date: date, community_id: str, overflowing: bool) -> None:
        marked = self._marked.setdefault(plan_date, set())
        if overflowing:
            marked.add(community_id)
        else:
            marked.discard(community_id)

    def overflowing_on(self, plan_date: date) -> set[str]:
        return set(self._marked.get(plan_date, set()))


class MemoryHolidays:
    def __init__(self, holidays: Mapping[date, str] | None = None) -> None:
        self._names: dict[date, str] = dict(holidays or {})

    def holidays(self) -> dict[date, str]:
        return dict(sorted(self._names.items()))

    def save_holidays(self, holidays: Mapping[date, str], by: str) -> None:
        self._names = dict(holidays)


class MemoryPolicyStore:
    """The stored policy as JSON text, so what a caller saved or read is a copy."""

    def __init__(self) -> None:
        self._text: str | None = None

    def stored_policy(self) -> dict[str, Any] | None:
        return None if self._text is None else dict(json.loads(self._text))

    def save_policy(self, document: dict[str, Any], by: str) -> None:
        self._text = json.dumps(document)


class MemoryPlanJobs(MemoryJobs[PlanJob]):
    """The queue of plan jobs (communities' days)."""

    def __init__(self) -> None:
        super().__init__(PlanJob)

    def send_plan_jobs(self, jobs: Iterable[PlanJob]) -> int:
        return self.send(jobs)


class MemoryScopes:
    """The scope tree, from the communities stored (derived again after every save)."""

    def __init__(self, communities: MemoryCommunities) -> None:
        self._communities = communities
        self._derived: tuple[int, dict[Scope, tuple[Scope, ...]]] | None = None

    def _chains(self) -> dict[Scope, tuple[Scope, ...]]:
        version = self._communities.version
        if self._derived is not None and self._derived[0] == version:
            return self._derived[1]
        parents: dict[Scope, tuple[Scope, ...]] = {}
        for c in self._communities.all_communities():
            chain = scopes_of(c.community_id, c.street_id, c.district_id)
            for i, scope in enumerate(chain):
                parents[scope] = chain[i + 1 :]
        self._derived = (version, parents)
        return parents

    def ancestors(self, scope: Scope) -> tuple[Scope, ...]:
        if scope.kind is ScopeKind.CITY:
            return ()
        return self._chains().get(scope, ())

    def communities_in(self, scope: Scope) -> list[str]:
        return sorted(
            inner.scope_id
            for inner, chain in self._chains().items()
            if inner.kind is ScopeKind.COMMUNITY
            and (scope.kind is ScopeKind.CITY or inner == scope or scope in chain)
        )


class MemoryReadAudit:
    def __init__(self) -> None:
        self._reads: dict[str, list[Entry]] = {}
        self._elder_reads: dict[tuple[str, str], list[Entry]] = {}

    def record_community_read(self, community_id: str, entry: Entry) -> None:
        self._reads.setdefault(community_id, []).append(entry)

    def community_reads(self, community_id: str) -> list[Entry]:
        reads = self._reads.get(community_id, [])
        return sorted(reads, key=lambda entry: entry.at, reverse=True)

    def record_elder_read(self, community_id: str, elder_id: str, entry: Entry) -> None:
        self._elder_reads.setdefault((community_id, elder_id), []).append(entry)

    def elder_reads(self, community_id: str, elder_id: str) -> list[Entry]:
        reads = self._elder_reads.get((community_id, elder_id), [])
        return sorted(reads, key=lambda entry: entry.at, reverse=True)


class MemoryVisits:
    def __init__(self) -> None:
        self._by_id: dict[str, tuple[VisitRecord, str]] = {}
        self._new: list[VisitRecord] = []
        """Records stored since the last `take_new`, in the order stored (the stream)."""

    def save_visit_once(self, record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
        if record.visit_id not in self._by_id:
            self._by_id[record.visit_id] = (record, request_hash)
            self._new.append(record)
            return record, True
        stored, stored_hash = self._by_id[record.visit_id]
        if stored_hash != request_hash:
            raise ConflictError(KEY_REUSED)
        return stored, False

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

    def project_visit(self, record: VisitRecord) -> Projection:
        visit_marker = f"visit#{record.visit_id}"
        if visit_marker in self._markers:
            return Projection.DUPLICATE
        elder_marker = f"elder-month#{record.elder_id}#{record.month}"
        count_elder = record.completed and elder_marker not in self._markers
        self._markers.add(visit_marker)
        if count_elder:
            self._markers.add(elder_marker)
        for scope in record_scopes(record):
            for tier in (record.tier.value, ALL_TIERS):
                counts = self._counters.setdefault((f"{record.month}#{scope}", tier), Counter())
                counts["visits_made"] += 1
                counts[f"outcome_{record.outcome.value}"] += 1
                if count_elder:
                    counts["elders_visited"] += 1
        return Projection.APPLIED

    def save_registry_totals(self, totals: dict[tuple[Scope, str], int]) -> int:
        for (scope, tier), count in totals.items():
            self._totals[(str(scope), tier)] = count
        return len(totals)

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
        return {name: counts[name] for name in ("opened", "closed", "closed_on_time")}

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
        month = opening_month(ticket)
        for scope in scopes_of(ticket.community_id, ticket.street_id, ticket.district_id):
            counts = self._tickets.setdefault(f"{month}#{scope}", Counter())
            if opened:
                counts["opened"] += 1
            else:
                counts["closed"] += 1
                counts["closed_on_time"] += int(closed_on_time(ticket))


class MemoryTickets:
    """Tickets by id; opening one counts it in `coverage` in the same step."""

    def __init__(self, coverage: MemoryCoverage) -> None:
        self._coverage = coverage
        self._by_id: dict[str, Ticket] = {}
        self._ids_of_community: dict[str, list[str]] = {}
        """Ticket ids by community (a ticket never changes community): a steward's list
        reads one community's tickets, not the city's."""

    def open_once(self, ticket: Ticket) -> bool:
        if ticket.ticket_id in self._by_id:
            return False
        self._by_id[ticket.ticket_id] = ticket
        self._ids_of_community.setdefault(ticket.community_id, []).append(ticket.ticket_id)
        self._coverage.count_ticket(ticket, opened=True)
        return True

    def get_ticket(self, ticket_id: str) -> Ticket:
        if ticket_id not in self._by_id:
            raise NotFoundError(f"ticket {ticket_id} not found")
        return self._by_id[ticket_id]

    def _soonest_due(self, wanted: Iterable[Ticket]) -> Iterator[Ticket]:
        return iter(sorted(wanted, key=lambda t: (t.due_at, t.ticket_id)))

    def of_community(self, community_id: str) -> Iterator[Ticket]:
        ids = self._ids_of_community.get(community_id, [])
        return self._soonest_due(self._by_id[ticket_id] for ticket_id in ids)

    def open_tickets(self) -> Iterator[Ticket]:
        return self._soonest_due(t for t in self._by_id.values() if t.status is TicketStatus.OPEN)

    def open_due_before(self, now: datetime) -> Iterator[Ticket]:
        return self._soonest_due(
            t for t in self._by_id.values() if t.status is TicketStatus.OPEN and t.due_at < now
        )

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
        self._by_id[ticket.ticket_id] = replace(
            stored,
            status=TicketStatus.CLOSED,
            closed_at=ticket.closed_at,
            closed_by=ticket.closed_by,
            action=ticket.action,
            result=ticket.result,
        )
        self._coverage.count_ticket(ticket, opened=False)
        return True
