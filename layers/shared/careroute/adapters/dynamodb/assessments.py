"""Assessments table (pk, sk): a district's assessors (`district#D`, `assessor#ID`) and
requests (`district#D`, `request#ID`), and assessor routes (`route#ID`, day, ~400-day TTL).

A result is one transaction: the request goes open -> done (conditional on open), the
elder's categories and care level are set (conditional on the values read: a concurrent
change wins and the caller retries), and the changes are written to the elder's history
under keys derived from the request (a second write of the same result cannot add entries).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, cast

from pynamodb.attributes import JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from careroute.adapters.dynamodb import history, registry
from careroute.adapters.dynamodb.columns import KEPT_FOR, Expiring, SharedKeys, location_columns
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import (
    TableModel,
    find_item,
    get_item,
    save_if,
    starting_with,
    transaction,
    write_all,
)
from careroute.domain.assessments import AssessmentRequest, Assessor, RequestStatus
from careroute.domain.eligibility import CareLevel
from careroute.domain.errors import ConflictError
from careroute.domain.vocabulary import Elder, GeoPoint
from careroute.service_layer.ports import Grading


class AssessmentModel(TableModel, SharedKeys, Expiring):
    lat = NumberAttribute(null=True)
    lng = NumberAttribute(null=True)
    skills = ListAttribute(of=UnicodeAttribute, null=True)
    elder_id = UnicodeAttribute(null=True)
    community_id = UnicodeAttribute(null=True)
    street_id = UnicodeAttribute(null=True)
    requested_on = UnicodeAttribute(null=True)
    deadline = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    level = UnicodeAttribute(null=True)
    scores = JSONAttribute(null=True)
    """The instrument's score per dimension of the result that closed the request."""
    result_key = UnicodeAttribute(null=True)
    """The Idempotency-Key of the result that closed the request."""
    assessed_at = UnicodeAttribute(null=True)
    assessor_id = UnicodeAttribute(null=True)
    document = UnicodeAttribute(null=True)
    """A route's JSON."""


def _district(district_id: str) -> str:
    return f"district#{district_id}"


def save_assessors(assessors: Iterable[Assessor]) -> int:
    items = [
        AssessmentModel(
            _district(a.district_id),
            f"assessor#{a.assessor_id}",
            **location_columns(a.base),
            skills=sorted(a.skills) or None,
        )
        for a in assessors
    ]
    return write_all(AssessmentModel, items, "store assessors")


def _request_item(r: AssessmentRequest) -> AssessmentModel:
    return AssessmentModel(
        _district(r.district_id),
        f"request#{r.request_id}",
        **location_columns(r.location),
        elder_id=r.elder_id,
        community_id=r.community_id,
        street_id=r.street_id,
        requested_on=r.requested_on.isoformat(),
        deadline=r.deadline.isoformat(),
        status=r.status.value,
        level=r.level.value if r.level else None,
        scores=dict(r.scores) or None,
    )


def save_requests(requests: Iterable[AssessmentRequest]) -> int:
    items = [_request_item(r) for r in requests]
    return write_all(AssessmentModel, items, "store assessment requests")


def open_request(request: AssessmentRequest) -> bool:
    """Store a new open request unless one with its id exists; True when stored."""
    item = _request_item(request)
    return save_if(item, AssessmentModel.pk.does_not_exist(), "open an assessment request")


def _assessor(district_id: str, item: AssessmentModel) -> Assessor:
    return Assessor(
        item.sk.removeprefix("assessor#"),
        district_id,
        GeoPoint(float(item.lat or 0), float(item.lng or 0)),
        frozenset(cast(list[str], item.skills or [])),
    )


def _request(district_id: str, item: AssessmentModel) -> AssessmentRequest:
    return AssessmentRequest(
        request_id=item.sk.removeprefix("request#"),
        elder_id=str(item.elder_id),
        community_id=str(item.community_id),
        street_id=str(item.street_id),
        district_id=district_id,
        location=GeoPoint(float(item.lat or 0), float(item.lng or 0)),
        requested_on=date.fromisoformat(str(item.requested_on)),
        deadline=date.fromisoformat(str(item.deadline)),
        status=RequestStatus(item.status),
        level=CareLevel(item.level) if item.level else None,
        scores=tuple(sorted((str(k), int(v)) for k, v in (item.scores or {}).items())),
    )


def assessors_of(district_id: str) -> list[Assessor]:
    pk = _district(district_id)
    items = starting_with(AssessmentModel, pk, "assessor#", "list assessors")
    return [_assessor(district_id, i) for i in items]


def requests_of(district_id: str) -> Iterator[AssessmentRequest]:
    pk = _district(district_id)
    for item in starting_with(AssessmentModel, pk, "request#", "list assessment requests"):
        yield _request(district_id, item)


def get_request(district_id: str, request_id: str) -> tuple[AssessmentRequest, str | None]:
    """The request and the Idempotency-Key of the result that closed it (None if open)."""
    item = get_item(
        AssessmentModel,
        _district(district_id),
        f"request#{request_id}",
        action="read an assessment request",
        missing=f"no assessment request {request_id} in {district_id}",
        consistent=True,
    )
    return _request(district_id, item), item.result_key


def save_route(document: dict[str, Any], now: datetime) -> None:
    item = AssessmentModel(
        f"route#{document['assessor_id']}",
        str(document["date"]),
        document=json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        expires_at=now + KEPT_FOR,
    )
    with storage_errors("store an assessor route"):
        item.save()


def get_route(assessor_id: str, day: date) -> dict[str, Any] | None:
    key = (f"route#{assessor_id}", day.isoformat())
    item = find_item(AssessmentModel, *key, action="read an assessor route")
    if item is None:
        return None
    document: dict[str, Any] = json.loads(str(item.document))
    return document


def record_result(request: AssessmentRequest, elder: Elder, grading: Grading) -> bool:
    """Close the request and grade the elder, all or nothing. True if this call wrote it;
    False if the same key already did (a retry). ConflictError if another result closed the
    request, or the elder changed meanwhile (read again and retry)."""
    level, key = grading.level, grading.key
    req = AssessmentModel(_district(request.district_id), f"request#{request.request_id}")
    req_actions: list[Action] = [
        AssessmentModel.status.set(RequestStatus.DONE.value),
        AssessmentModel.level.set(level.value),
        AssessmentModel.scores.set(dict(grading.scores)),
        AssessmentModel.result_key.set(key),
        AssessmentModel.assessed_at.set(grading.at.isoformat()),
        AssessmentModel.assessor_id.set(grading.assessor_id),
    ]
    E = registry.ElderModel
    old_categories = sorted(c.value for c in elder.categories)
    elder_condition = (E.elder_id.exists()) & (E.categories == old_categories)
    elder_condition &= (
        E.care_level.does_not_exist() if elder.care_level is None
        else E.care_level == elder.care_level
    )  # fmt: skip
    pk = history.elder_pk(elder.community_id, elder.elder_id)
    with transaction(AssessmentModel, "record an assessment result") as tx:
        tx.update(req, actions=req_actions,
                  condition=AssessmentModel.status == RequestStatus.OPEN.value)  # fmt: skip
        tx.update(
            E(elder.community_id, elder.elder_id),
            actions=[
                E.categories.set(cast(Any, list(grading.categories))),
                E.care_level.set(level.value),
            ],
            condition=elder_condition,
        )
        for n, entry in enumerate(grading.changes):
            tx.save(
                history.entry_item(pk, entry, f"assessment-{request.request_id}-{n}"),
                condition=history.ElderHistoryModel.sk.does_not_exist(),
            )
    if tx.committed:
        return True
    current, closed_by = get_request(request.district_id, request.request_id)
    if current.status is RequestStatus.OPEN:
        raise ConflictError("the elder was changed meanwhile; retry")
    if closed_by == key:
        return False
    raise ConflictError(f"assessment request {request.request_id} already has a result")
