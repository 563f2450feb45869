"""The ports in memory: dicts behind the same behaviour as the DynamoDB adapters.

For service-layer tests and fast simulations. Stored values are copies (route documents go
through JSON, as DynamoDB's would), so a caller changing what it saved or read changes
nothing stored. `tests/contract/` runs the same tests against these and the DynamoDB ones.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from careroute.adapters.memory_store import get_stored, put_all
from careroute.domain import clock
from careroute.domain.coverage import (
    Scope,
    ScopeKind,
    scopes_of,
)
from careroute.domain.elder_fields import ELDER_FIELDS, with_fields
from careroute.domain.elder_history import Entry
from careroute.domain.errors import ConflictError, NotFoundError
from careroute.domain.vocabulary import (
    Category,
    Community,
    Elder,
    Steward,
    attempt_since_visit,
    china_date,
)
from careroute.service_layer.ports import StatusChange

_Ordered = TypeVar("_Ordered", date, datetime)


class MemoryCommunities:
    def __init__(self) -> None:
        self._by_id: dict[str, Community] = {}
        self.version = 0
        """Counts the saves: a reader may keep what it derived until this changes."""

    def save_communities(self, communities: Iterable[Community]) -> int:
        count = put_all(self._by_id, communities, lambda c: c.community_id)
        self.version += 1
        return count

    def get_community(self, community_id: str) -> Community:
        return get_stored(self._by_id, community_id, f"community {community_id} not found")

    def all_communities(self) -> Iterator[Community]:
        return iter(list(self._by_id.values()))


class MemoryStewards:
    def __init__(self) -> None:
        self._by_id: dict[str, Steward] = {}

    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        return put_all(self._by_id, stewards, lambda s: s.steward_id)

    def get_steward(self, steward_id: str, consistent: bool = False) -> Steward:
        return get_stored(self._by_id, steward_id, f"steward {steward_id} not found")

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

    def add_elder(self, elder: Elder) -> bool:
        if self._state(elder.community_id, elder.elder_id) is not None:
            return False
        return self.save_elders([elder]) == 1

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

    def elders_of_communities(self, community_ids: Iterable[str]) -> dict[str, list[Elder]]:
        return {c: self.elders_of_community(c) for c in dict.fromkeys(community_ids)}

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

    def _move_forward(self, community_id: str, elder_id: str, field: str, to: date) -> bool:
        """Set the elder's date `field` to `to` only if that moves it forward: the registry's
        conditional maximum. False when nothing changed (not later, or the elder is unknown)."""
        state = self._state(community_id, elder_id)
        if state is None or not _later(to, getattr(state.elder, field)):
            return False
        moved: dict[str, Any] = {field: to}
        state.elder = replace(state.elder, **moved)
        return True

    def mark_visited(self, community_id: str, elder_id: str, on: date) -> bool:
        return self._move_forward(community_id, elder_id, "last_visited_on", on)

    def mark_contacted(self, community_id: str, elder_id: str, on: date) -> bool:
        return self._move_forward(community_id, elder_id, "contacted_on", on)

    def mark_attempt(self, community_id: str, elder_id: str, at: datetime) -> bool:
        state = self._state(community_id, elder_id)
        if state is None or not _later(at, state.attempt_at):
            return False
        if not _later(china_date(at), state.elder.last_visited_on):
            return False
        state.attempt_at = at
        return True

    def raise_urgent_until(self, community_id: str, elder_id: str, until: date) -> bool:
        return self._move_forward(community_id, elder_id, "urgent_until", until)

    def change_status(self, change: StatusChange) -> bool:
        state = self._state(change.community_id, change.elder_id)
        if state is None or state.elder.status is not change.expected:
            return False
        if not _later(change.at, state.status_changed_at):
            return False
        if change.history is not None:
            key, entry = change.history
            sort_key = f"{entry.at.astimezone(UTC).isoformat()}#{entry.kind.value}#{key}"
            if sort_key in state.changes:
                return False
            state.changes[sort_key] = entry
        stay = state.elder.stay if change.target is change.expected else None
        state.elder = replace(state.elder, status=change.target, stay=change.stay or stay)
        state.status_changed_at = change.at
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
    """The elder as a read returns it: the failed attempt only if since the last visit. The
    stored elder holds none (the attempt is kept beside it), so without one it is returned
    as it is: it cannot be changed, and most elders read have no failed attempt pending."""
    attempt = attempt_since_visit(state.attempt_at, state.elder.last_visited_on)
    return state.elder if attempt is None else replace(state.elder, last_attempt_at=attempt)


def _later(new: _Ordered, stored: _Ordered | None) -> bool:
    """A conditional maximum's test: nothing stored yet, or `new` is after what is."""
    return stored is None or new > stored


class MemoryHolidays:
    def __init__(
        self,
        holidays: Mapping[date, str] | None = None,
        workdays: Mapping[date, str] | None = None,
    ) -> None:
        self._names: dict[date, str] = dict(holidays or {})
        self._workdays: dict[date, str] = dict(workdays or {})

    def holidays(self) -> dict[date, str]:
        return dict(sorted(self._names.items()))

    def workdays(self) -> dict[date, str]:
        return dict(sorted(self._workdays.items()))

    def save_holidays(
        self, holidays: Mapping[date, str], by: str, workdays: Mapping[date, str] | None = None
    ) -> None:
        self._names = dict(holidays)
        self._workdays = dict(workdays or {})


class MemoryPolicyStore:
    """The stored policy as JSON text, so what a caller saved or read is a copy."""

    def __init__(self) -> None:
        self._text: str | None = None

    def stored_policy(self) -> dict[str, Any] | None:
        return None if self._text is None else dict(json.loads(self._text))

    def save_policy(self, document: dict[str, Any], by: str) -> None:
        self._text = json.dumps(document)


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

    def record_community_reads(self, reads: Mapping[str, Entry]) -> None:
        for community_id, entry in reads.items():
            self.record_community_read(community_id, entry)

    def community_reads(self, community_id: str) -> list[Entry]:
        reads = self._reads.get(community_id, [])
        return sorted(reads, key=lambda entry: entry.at, reverse=True)

    def record_elder_read(self, community_id: str, elder_id: str, entry: Entry) -> None:
        self._elder_reads.setdefault((community_id, elder_id), []).append(entry)

    def elder_reads(self, community_id: str, elder_id: str) -> list[Entry]:
        reads = self._elder_reads.get((community_id, elder_id), [])
        return sorted(reads, key=lambda entry: entry.at, reverse=True)
