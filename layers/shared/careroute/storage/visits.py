"""Visits table: outcome records, written once per visit id with a conditional put.

The conditional put is the last line against double counting: whatever retries happen
upstream, one visit id is one item, and its stream emits one INSERT.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from careroute.domain import (
    Finding,
    FindingCategory,
    GeoPoint,
    Outcome,
    Severity,
    Tier,
    VisitRecord,
)
from careroute.exceptions import KEY_REUSED, ConflictError
from careroute.storage.errors import storage_errors


class VisitElderIndex(GlobalSecondaryIndex["VisitModel"]):
    class Meta:
        index_name = "elder-index"
        projection = AllProjection()

    elder_id = UnicodeAttribute(hash_key=True)
    visited_at = UnicodeAttribute(range_key=True)


class VisitModel(Model):
    class Meta:
        table_name = ""

    visit_id = UnicodeAttribute(hash_key=True)
    elder_id = UnicodeAttribute()
    steward_id = UnicodeAttribute()
    community_id = UnicodeAttribute()
    street_id = UnicodeAttribute()
    district_id = UnicodeAttribute()
    tier = UnicodeAttribute()
    outcome = UnicodeAttribute()
    visited_at = UnicodeAttribute()
    recorded_at = UnicodeAttribute()
    notes = UnicodeAttribute(default="")
    findings = JSONAttribute(null=True)
    lat = NumberAttribute(null=True)
    lng = NumberAttribute(null=True)
    request_hash = UnicodeAttribute()
    """Fingerprint of the request that created the visit: tells a retry from a key reuse."""
    by_elder = VisitElderIndex()


def _findings(raw: Any) -> tuple[Finding, ...]:
    return tuple(
        Finding(FindingCategory(f["category"]), Severity(f["severity"]), str(f.get("note", "")))
        for f in raw or ()
    )


def _location(lat: Any, lng: Any) -> GeoPoint | None:
    return GeoPoint(float(lat), float(lng)) if lat is not None and lng is not None else None


def to_record(item: VisitModel) -> VisitRecord:
    return VisitRecord(
        visit_id=item.visit_id,
        elder_id=item.elder_id,
        steward_id=item.steward_id,
        community_id=item.community_id,
        street_id=item.street_id,
        district_id=item.district_id,
        tier=Tier(item.tier),
        outcome=Outcome(item.outcome),
        visited_at=datetime.fromisoformat(item.visited_at),
        recorded_at=datetime.fromisoformat(item.recorded_at),
        notes=item.notes or "",
        findings=_findings(item.findings),
        location=_location(item.lat, item.lng),
    )


def _item(record: VisitRecord, request_hash: str) -> VisitModel:
    return VisitModel(
        record.visit_id,
        elder_id=record.elder_id,
        steward_id=record.steward_id,
        community_id=record.community_id,
        street_id=record.street_id,
        district_id=record.district_id,
        tier=record.tier.value,
        outcome=record.outcome.value,
        visited_at=record.visited_at.isoformat(),
        recorded_at=record.recorded_at.isoformat(),
        notes=record.notes,
        findings=[
            {"category": f.category.value, "severity": f.severity.value, "note": f.note}
            for f in record.findings
        ]
        or None,
        lat=record.location.lat if record.location else None,
        lng=record.location.lng if record.location else None,
        request_hash=request_hash,
    )


def save_visit_once(record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
    """Store the visit unless its id exists. Returns (stored record, created?).

    A retry of the same request returns the first record and False; the same visit id with a
    different request raises ConflictError.
    """
    item = _item(record, request_hash)
    with storage_errors("save a visit"):
        try:
            item.save(condition=VisitModel.visit_id.does_not_exist())
            return record, True
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
        existing = VisitModel.get(record.visit_id, consistent_read=True)
    if existing.request_hash != request_hash:
        raise ConflictError(KEY_REUSED)
    return to_record(existing), False


def all_visits() -> Iterator[VisitRecord]:
    """Every visit record (a scan: for rebuilds and independent checks)."""
    with storage_errors("list visits"):
        for item in VisitModel.scan():
            yield to_record(item)


def record_from_image(image: dict[str, object]) -> VisitRecord:
    """A visit record from a stream record's NewImage (already deserialised)."""

    def text(name: str) -> str:
        value = image.get(name)
        if not isinstance(value, str):
            raise ValueError(f"visit stream image lacks string attribute {name!r}")
        return value

    return VisitRecord(
        visit_id=text("visit_id"),
        elder_id=text("elder_id"),
        steward_id=text("steward_id"),
        community_id=text("community_id"),
        street_id=text("street_id"),
        district_id=text("district_id"),
        tier=Tier(text("tier")),
        outcome=Outcome(text("outcome")),
        visited_at=datetime.fromisoformat(text("visited_at")),
        recorded_at=datetime.fromisoformat(text("recorded_at")),
        notes=str(image.get("notes") or ""),
        findings=_findings(json.loads(str(image["findings"])) if image.get("findings") else None),
        location=_location(image.get("lat"), image.get("lng")),
    )


SCOPE_ATTRIBUTE = {"community": "community_id", "street": "street_id", "district": "district_id"}


def visits_around(first: str, last: str, scope_kind: str, scope_id: str) -> Iterator[VisitRecord]:
    """Visits with visited_at from day `first` to day `last` (YYYY-MM-DD, a day of slack is
    the caller's) inside a scope ('city' or a SCOPE_ATTRIBUTE key): a filtered scan, for the
    officials' month chart, not for per-request hot paths."""
    condition = VisitModel.visited_at.between(first, last + "~")
    if scope_kind != "city":
        condition &= getattr(VisitModel, SCOPE_ATTRIBUTE[scope_kind]) == scope_id
    with storage_errors("list visits"):
        for item in VisitModel.scan(condition):
            yield to_record(item)
