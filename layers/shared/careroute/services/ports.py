"""The ports of the use cases: what a use case reads and writes, as typed Protocols.

A use case takes its ports as arguments; `careroute.adapters` implements them (DynamoDB in
the cloud and on the local stack, memory for fast tests and simulations), and one contract
suite (`tests/contract/`) runs against both so they cannot drift. Errors are the domain's:
a missing item is `NotFoundError`, a reused idempotency key `ConflictError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, Protocol

from careroute.domain import Elder, Steward, VisitRecord


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

    def get_elder(self, community_id: str, elder_id: str) -> Elder:
        """The elder of that community; NotFoundError when there is none."""
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
