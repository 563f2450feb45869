"""The needs-assessment ports in memory: assessors, requests (a result closes one and grades
its elder in the memory registry, all or nothing) and assessor routes, with the behaviour of
the DynamoDB adapters (`tests/contract/` checks both). Routes are stored as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from careroute.adapters.memory import MemoryElders
from careroute.adapters.memory_store import get_stored, put_all
from careroute.domain.assessments import AssessmentRequest, Assessor, RequestStatus
from careroute.domain.errors import ConflictError
from careroute.domain.vocabulary import Elder
from careroute.service_layer.ports import Grading


class MemoryAssessors:
    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], Assessor] = {}

    def save_assessors(self, assessors: Iterable[Assessor]) -> int:
        # As the table keeps them: the office and skills; the rest the domain's defaults.
        stored = (Assessor(a.assessor_id, a.district_id, a.base, a.skills) for a in assessors)
        return put_all(self._by_key, stored, lambda a: (a.district_id, a.assessor_id))

    def assessors_of(self, district_id: str) -> list[Assessor]:
        return [self._by_key[key] for key in sorted(self._by_key) if key[0] == district_id]


class MemoryAssessmentRequests:
    """Requests by district and id, with the key of the result that closed each; recording
    a result grades the elder in `elders`."""

    def __init__(self, elders: MemoryElders) -> None:
        self._elders = elders
        self._by_key: dict[tuple[str, str], tuple[AssessmentRequest, str | None]] = {}

    def save_requests(self, requests: Iterable[AssessmentRequest]) -> int:
        count = 0
        for request in requests:
            self._by_key[(request.district_id, request.request_id)] = (request, None)
            count += 1
        return count

    def open_request(self, request: AssessmentRequest) -> bool:
        key = (request.district_id, request.request_id)
        if key in self._by_key:
            return False
        self._by_key[key] = (request, None)
        return True

    def requests_of(self, district_id: str) -> Iterator[AssessmentRequest]:
        return iter([self._by_key[key][0] for key in sorted(self._by_key) if key[0] == district_id])

    def get_request(
        self, district_id: str, request_id: str
    ) -> tuple[AssessmentRequest, str | None]:
        missing = f"no assessment request {request_id} in {district_id}"
        return get_stored(self._by_key, (district_id, request_id), missing)

    def record_result(self, request: AssessmentRequest, elder: Elder, grading: Grading) -> bool:
        current, closed_by = self.get_request(request.district_id, request.request_id)
        if current.status is RequestStatus.OPEN:
            keyed = [
                (f"assessment-{request.request_id}-{n}", e) for n, e in enumerate(grading.changes)
            ]
            level = grading.level
            if not self._elders.grade(elder, level.value, grading.categories, keyed):
                raise ConflictError("the elder was changed meanwhile; retry")
            done = replace(current, status=RequestStatus.DONE, level=level, scores=grading.scores)
            self._by_key[(request.district_id, request.request_id)] = (done, grading.key)
            return True
        if closed_by == grading.key:
            return False
        raise ConflictError(f"assessment request {request.request_id} already has a result")


class MemoryAssessorRoutes:
    def __init__(self) -> None:
        self._documents: dict[tuple[str, str], str] = {}

    def save_route(self, document: dict[str, Any], now: datetime) -> None:
        key = (str(document["assessor_id"]), str(document["date"]))
        self._documents[key] = json.dumps(document, ensure_ascii=False)

    def get_route(self, assessor_id: str, day: date) -> dict[str, Any] | None:
        found = self._documents.get((assessor_id, day.isoformat()))
        document: dict[str, Any] | None = json.loads(found) if found is not None else None
        return document
