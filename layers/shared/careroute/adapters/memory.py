"""The ports in memory: dicts behind the same behaviour as the DynamoDB adapters.

For service-layer tests and fast simulations. Stored values are copies (route documents go
through JSON, as DynamoDB's would), so a caller changing what it saved or read changes
nothing stored. `tests/contract/` runs the same tests against these and the DynamoDB ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from careroute.domain import Elder, Steward, VisitRecord
from careroute.exceptions import KEY_REUSED, ConflictError, NotFoundError


class MemoryStewards:
    def __init__(self) -> None:
        self._by_id: dict[str, Steward] = {}

    def save_stewards(self, stewards: Iterable[Steward]) -> int:
        count = 0
        for steward in stewards:
            self._by_id[steward.steward_id] = steward
            count += 1
        return count

    def get_steward(self, steward_id: str) -> Steward:
        if steward_id not in self._by_id:
            raise NotFoundError(f"steward {steward_id} not found")
        return self._by_id[steward_id]


class MemoryElders:
    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], Elder] = {}

    def save_elders(self, elders: Iterable[Elder]) -> int:
        count = 0
        for elder in elders:
            self._by_key[(elder.community_id, elder.elder_id)] = elder
            count += 1
        return count

    def get_elder(self, community_id: str, elder_id: str) -> Elder:
        if (community_id, elder_id) not in self._by_key:
            raise NotFoundError(f"elder {elder_id} not found in community {community_id}")
        return self._by_key[(community_id, elder_id)]


class MemoryRoutes:
    def __init__(self) -> None:
        self._documents: dict[tuple[str, str], str] = {}

    def save_route(self, document: dict[str, Any]) -> None:
        key = (str(document["steward_id"]), str(document["date"]))
        self._documents[key] = json.dumps(document)

    def find_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        text = self._documents.get((steward_id, day.isoformat()))
        return None if text is None else dict(json.loads(text))


class MemoryVisits:
    def __init__(self) -> None:
        self._by_id: dict[str, tuple[VisitRecord, str]] = {}

    def save_visit_once(self, record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
        if record.visit_id not in self._by_id:
            self._by_id[record.visit_id] = (record, request_hash)
            return record, True
        stored, stored_hash = self._by_id[record.visit_id]
        if stored_hash != request_hash:
            raise ConflictError(KEY_REUSED)
        return stored, False

    def all_visits(self) -> Iterator[VisitRecord]:
        return iter([record for record, _ in self._by_id.values()])
