"""The registry's ports: communities, stewards, elders, the scope tree, who read what, holidays and
the stored policy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from careroute.domain.coverage import Scope
from careroute.domain.elder_history import Entry
from careroute.domain.vocabulary import Community, Elder, ElderStatus, Stay, Steward


@dataclass(frozen=True)
class StatusChange:
    """An elder's status `target` (set, or confirmed) as observed at `at`: it applies only
    while the status is still `expected` and nothing at or after `at` set it. With `history`
    = (key, entry), the history entry is written under that key in the same all-or-nothing
    step (an entry already there under the key makes it a repeat: nothing is written)."""

    community_id: str
    elder_id: str
    expected: ElderStatus
    target: ElderStatus
    at: datetime
    history: tuple[str, Entry] | None = None
    stay: Stay | None = None
    """Where the elder is staying (hospital), stored with the status; None on a change of
    status clears the stored one, on a confirmation keeps it."""


class CommunityRepository(Protocol):
    def save_communities(self, communities: Iterable[Community]) -> int:
        """Store (or replace) communities; returns how many."""
        ...

    def get_community(self, community_id: str) -> Community:
        """The community; NotFoundError when there is none."""
        ...

    def all_communities(self) -> Iterator[Community]:
        """Every community, in no particular order."""
        ...


class StewardRepository(Protocol):
    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        """Store (or replace) stewards; returns how many."""
        ...

    def get_steward(self, steward_id: str, consistent: bool = False) -> Steward:
        """The steward; NotFoundError when there is none. `consistent`: see every write made
        before the call (e.g. leave just changed)."""
        ...

    def all_stewards(self) -> Iterator[Steward]:
        """Every steward, in no particular order."""
        ...

    def steward_of_community(self, community_id: str) -> Steward:
        """The community's steward; NotFoundError when it has none."""
        ...

    def set_leave(self, steward_id: str, dates: Iterable[date]) -> Steward:
        """Replace the steward's leave dates; the steward as stored. NotFoundError (and
        nothing written) when there is no such steward."""
        ...


class ElderRepository(Protocol):
    def add_elder(self, elder: Elder) -> bool:
        """Store a new elder; False, and nothing written, when its id is in the community."""
        ...

    def save_elders(self, elders: Iterable[Elder]) -> int:
        """Store (or replace) elders; returns how many."""
        ...

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        """The elder of that community; NotFoundError when there is none. `consistent`: see
        every write made before the call (a strongly consistent read)."""
        ...

    def elders_of_community(self, community_id: str) -> list[Elder]:
        """Every elder of the community (any status), in elder id order."""
        ...

    def elders_of_communities(self, community_ids: Iterable[str]) -> dict[str, list[Elder]]:
        """Each community's elders as `elders_of_community` lists them, by community id (the
        nightly planner's first night reads every community's: DynamoDB reads them side by
        side)."""
        ...

    def get_elders(self, community_id: str, elder_ids: Iterable[str]) -> dict[str, Elder]:
        """The community's elders of those ids, by id (unknown ids are simply absent)."""
        ...

    def add_benefit_task(self, community_id: str, elder_id: str, rule_id: str) -> bool:
        """Add a benefit rule id to the elder's tasks for the next visit; False when it was
        there already or the elder is unknown (safe to repeat)."""
        ...

    # What visit outcomes change. Each is conditional and safe to repeat in any order: True
    # when it changed something, False when a newer value is there (or the elder is unknown).

    def mark_visited(self, community_id: str, elder_id: str, on: date) -> bool:
        """Move the last completed visit forward to `on` (never backwards)."""
        ...

    def mark_contacted(self, community_id: str, elder_id: str, on: date) -> bool:
        """Move the last phone or video contact forward to `on` (never backwards)."""
        ...

    def mark_attempt(self, community_id: str, elder_id: str, at: datetime) -> bool:
        """Move the latest failed attempt forward to `at`, unless a completed visit on or after
        its day is recorded (a failed attempt is "since the last visit" or not at all)."""
        ...

    def raise_urgent_until(self, community_id: str, elder_id: str, until: date) -> bool:
        """Move the date an urgent finding keeps the elder T1 until forward to `until`."""
        ...

    def change_status(self, change: StatusChange) -> bool:
        """Apply `change` (see StatusChange): True when it applied, False when the status is
        no longer the one expected, a change at or after it came first, or it is a repeat."""
        ...

    def changes(self, community_id: str, elder_id: str) -> list[Entry]:
        """The elder's history of changes, newest first."""
        ...

    # What officials change in the registry, and how they page through a community.

    def elders_after(self, community_id: str, after: str | None) -> Iterator[Elder]:
        """The community's elders (any status) in elder id order, after the id `after` (the
        last of a page), or from the first; read lazily, so a page stops reading early."""
        ...

    def change_registry(self, before: Elder, after: Elder, changes: Iterable[Entry]) -> None:
        """Set the registry fields (domain.elder_fields) where `after` differs from `before`,
        and write `changes` to the elder's history, all or nothing. ConflictError (nothing
        written) when a changed field no longer holds `before`'s value, or the elder is gone:
        a concurrent change won. A changed status is dated now, so a visit outcome observed
        before the change cannot undo it."""
        ...


class ScopeDirectory(Protocol):
    """The scope tree (community -> street -> district -> city) of the registry."""

    def ancestors(self, scope: Scope) -> tuple[Scope, ...]:
        """The scopes containing `scope`, innermost first; () for the city or an unknown one."""
        ...

    def communities_in(self, scope: Scope) -> list[str]:
        """The ids of the communities inside `scope` (itself, for a community), sorted."""
        ...


class ReadAudit(Protocol):
    """Who was shown elders' personal data (ids only, never the values)."""

    def record_community_read(self, community_id: str, entry: Entry) -> None:
        """Keep a read of several elders of a community (a route, a list)."""
        ...

    def record_community_reads(self, reads: Mapping[str, Entry]) -> None:
        """Keep the reads one request made of several communities' elders (community id ->
        its read) in one write: a route with an absent neighbour's elders as cover stops."""
        ...

    def community_reads(self, community_id: str) -> list[Entry]:
        """The community's recorded reads, newest first."""
        ...

    def record_elder_read(self, community_id: str, elder_id: str, entry: Entry) -> None:
        """Keep a read of one elder's personal data (e.g. the addresses in its history)."""
        ...

    def elder_reads(self, community_id: str, elder_id: str) -> list[Entry]:
        """The elder's recorded reads, newest first."""
        ...


class HolidayCalendar(Protocol):
    """The bureau's public holidays (nobody works; deadlines move before them) and make-up
    working days (调休: a weekend day worked to bridge a holiday)."""

    def holidays(self) -> dict[date, str]:
        """Each public holiday's date and name; none when the bureau never set them."""
        ...

    def workdays(self) -> dict[date, str]:
        """Each make-up working day's date and name; none when the bureau never set them."""
        ...

    def save_holidays(
        self, holidays: Mapping[date, str], by: str, workdays: Mapping[date, str] | None = None
    ) -> None:
        """Replace the calendar (date -> name; no make-up days when `workdays` is None); `by`
        is who changed it."""
        ...


class PolicyStore(Protocol):
    """The bureau's tier policy as stored: a document in default_policy.toml's structure (as
    JSON), checked before it is saved."""

    def stored_policy(self) -> dict[str, Any] | None:
        """The stored policy document; None when the bureau never stored one."""
        ...

    def save_policy(self, document: dict[str, Any], by: str) -> None:
        """Replace the stored policy document; `by` is who changed it."""
        ...
