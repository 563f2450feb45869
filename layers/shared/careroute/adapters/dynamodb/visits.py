"""Visits table: outcome records, written once per visit id with a conditional put.

The conditional put is the last line against double counting: whatever retries happen
upstream, one visit id is one item, and its stream emits one INSERT. A visit recorded from an
elder read earlier (perhaps from a cache) is written in one transaction with a check that the
stored elder still has what the record took from it (`save_visit_as_read`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.columns import InScopes
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.registry import ElderModel, StewardModel
from careroute.adapters.dynamodb.tables import (
    TableModel,
    get_item,
    index,
    save_if,
    write_together,
)
from careroute.adapters.dynamodb.tier_condition import placed_with_tier
from careroute.domain.errors import KEY_REUSED, ConflictError
from careroute.domain.policy import Policy
from careroute.domain.visit_records import from_document, to_document
from careroute.domain.vocabulary import Elder, VisitRecord, china_date

STRING_FIELDS = (
    "visit_id", "elder_id", "steward_id", "community_id", "street_id", "district_id", "tier",
    "outcome", "visited_at", "recorded_at",
)  # fmt: skip
"""The attributes every visit item has, as strings."""


class VisitModel(TableModel, InScopes):
    visit_id = UnicodeAttribute(hash_key=True)
    elder_id = UnicodeAttribute()
    steward_id = UnicodeAttribute()
    tier = UnicodeAttribute()
    outcome = UnicodeAttribute()
    visited_at = UnicodeAttribute()
    recorded_at = UnicodeAttribute()
    notes = UnicodeAttribute(default="")
    findings = JSONAttribute(null=True)
    lat = NumberAttribute(null=True)
    lng = NumberAttribute(null=True)
    stay = JSONAttribute(null=True)
    """{place, lat, lng}: where the elder was staying away from home (hospital); absent: home."""
    request_hash = UnicodeAttribute()
    """Fingerprint of the request that created the visit: tells a retry from a key reuse."""
    by_elder = index("elder-index", "elder_id", range_key="visited_at")


def _location(lat: Any, lng: Any) -> dict[str, float] | None:
    return {"lat": float(lat), "lng": float(lng)} if lat is not None and lng is not None else None


def to_record(item: VisitModel) -> VisitRecord:
    return from_document(
        {
            **{name: getattr(item, name) for name in STRING_FIELDS},
            "notes": item.notes,
            "findings": item.findings,
            "location": _location(item.lat, item.lng),
            "stay": item.stay,
        }
    )


def visit_item(record: VisitRecord, request_hash: str) -> dict[str, dict[str, Any]]:
    """The visit's item as DynamoDB stores it (what a `VisitModel` of it serialises to, built
    directly from the record's one mapping, `to_document`: the outcome's write is the API's
    hot path). Absent values are left out."""
    document = to_document(record)
    location = document.pop("location")
    for nested in ("findings", "stay"):  # JSON attributes: stored as text, left out when empty
        document[nested] = json.dumps(document[nested]) if document[nested] else None
    document["request_hash"] = request_hash
    item = {name: {"S": text} for name, text in document.items() if text is not None}
    if location is not None:
        item["lat"] = {"N": json.dumps(location["lat"])}
        item["lng"] = {"N": json.dumps(location["lng"])}
    return item


def _item(record: VisitRecord, request_hash: str) -> VisitModel:
    return VisitModel.from_raw_data(visit_item(record, request_hash))


def import_visits(records: Iterable[VisitRecord], request_hash: str) -> int:
    """Batch-write records as the API stores them, unconditionally (loading a month into a
    local stack for a benchmark); the records written."""
    written = 0
    with storage_errors("import visits"), VisitModel.batch_write() as batch:
        for record in records:
            batch.save(_item(record, request_hash))
            written += 1
    return written


def save_visit_once(record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
    """Store the visit unless its id exists. Returns (stored record, created?).

    A retry of the same request returns the first record and False; the same visit id with a
    different request raises ConflictError.
    """
    item = _item(record, request_hash)
    if save_if(item, VisitModel.visit_id.does_not_exist(), "save a visit"):
        return record, True
    return _stored(record, request_hash)


def still_as_read(elder: Elder) -> dict[str, Any]:
    """The condition (expression, names and values) that the stored elder still exists in
    its community with what a visit record takes from it: its street and district, and the
    tier's inputs (birth date, categories, the urgent date). A missing item fails the first
    comparison (no separate existence clause: each clause costs the emulator time). The
    categories are a set, stored as its sorted list by every writer (the registry's import
    and changes, the assessments): one comparison of the whole list, instead of its size and
    each member."""
    compared: list[tuple[str, dict[str, Any] | None]] = [
        (ElderModel.street_id.attr_name, {"S": elder.street_id}),
        (ElderModel.district_id.attr_name, {"S": elder.district_id}),
        (ElderModel.birth_date.attr_name, {"S": elder.birth_date.isoformat()}),
        (
            ElderModel.categories.attr_name,
            {"L": [{"S": c} for c in sorted(c.value for c in elder.categories)]},
        ),
        (
            ElderModel.urgent_until.attr_name,
            None if elder.urgent_until is None else {"S": elder.urgent_until.isoformat()},
        ),
    ]
    clauses = [
        f"#{i} = :{i}" if value is not None else f"attribute_not_exists (#{i})"
        for i, (_, value) in enumerate(compared)
    ]
    return {
        "ConditionExpression": " AND ".join(clauses),
        "ExpressionAttributeNames": {f"#{i}": name for i, (name, _) in enumerate(compared)},
        "ExpressionAttributeValues": {
            f":{i}": value for i, (_, value) in enumerate(compared) if value is not None
        },
    }


def save_visit_as_read(
    record: VisitRecord, request_hash: str, elder: Elder
) -> tuple[VisitRecord, bool] | None:
    """As `save_visit_once`, in one transaction that also checks the elder the record was
    made from is still stored so (`still_as_read`); None, nothing written, when it is not.
    A replay (the visit id stored) answers as `save_visit_once` does, whatever the elder.
    The request is built directly (`write_together`): it is the API's hot path."""
    elder_key = {
        ElderModel.community_id.attr_name: {"S": elder.community_id},
        ElderModel.elder_id.attr_name: {"S": elder.elder_id},
    }
    check = {"TableName": ElderModel.Meta.table_name, "Key": elder_key, **still_as_read(elder)}
    put = _new_visit(record, request_hash)
    failed = write_together(VisitModel, [{"ConditionCheck": check}, {"Put": put}], "save a visit")
    if not failed:
        return record, True
    _, visit_stored = failed
    return _stored(record, request_hash) if visit_stored else None


def save_visit_as_claimed(
    record: VisitRecord, request_hash: str, policy: Policy
) -> tuple[VisitRecord, bool] | None:
    """As `save_visit_once`, in one transaction that also checks what the record claims
    (from its stop's reference, `planning.stop_ref`): its steward serves its community, and
    its elder is stored there in its street and district with its tier on its local day
    under `policy` (`placed_with_tier`). None, nothing written, when a check fails; a
    replay answers as `save_visit_once` does."""
    elder = placed_with_tier(
        policy, record.street_id, record.district_id, record.tier, china_date(record.visited_at)
    )
    steward_key = {StewardModel.steward_id.attr_name: {"S": record.steward_id}}
    serves = {
        "ConditionExpression": "#0 = :0",
        "ExpressionAttributeNames": {"#0": StewardModel.community_id.attr_name},
        "ExpressionAttributeValues": {":0": {"S": record.community_id}},
    }
    elder_key = {
        ElderModel.community_id.attr_name: {"S": record.community_id},
        ElderModel.elder_id.attr_name: {"S": record.elder_id},
    }
    items = [
        {
            "ConditionCheck": {
                "TableName": StewardModel.Meta.table_name,
                "Key": steward_key,
                **serves,
            }
        },
        {"ConditionCheck": {"TableName": ElderModel.Meta.table_name, "Key": elder_key, **elder}},
        {"Put": _new_visit(record, request_hash)},
    ]
    failed = write_together(VisitModel, items, "save a visit")
    if not failed:
        return record, True
    return _stored(record, request_hash) if failed[-1] else None


def _new_visit(record: VisitRecord, request_hash: str) -> dict[str, Any]:
    """The Put of a new visit item (none with its id stored), as a transaction sends it."""
    return {
        "TableName": VisitModel.Meta.table_name,
        "Item": visit_item(record, request_hash),
        "ConditionExpression": "attribute_not_exists (#0)",
        "ExpressionAttributeNames": {"#0": VisitModel.visit_id.attr_name},
    }


def _stored(record: VisitRecord, request_hash: str) -> tuple[VisitRecord, bool]:
    """The stored visit with `record`'s id, and False; ConflictError when another request
    stored it."""
    existing = get_item(
        VisitModel,
        record.visit_id,
        action="save a visit",
        missing=f"visit {record.visit_id} not found",
        consistent=True,
    )
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
    for name in STRING_FIELDS:
        if not isinstance(image.get(name), str):
            raise ValueError(f"visit stream image lacks string attribute {name!r}")
    findings = json.loads(str(image["findings"])) if image.get("findings") else None
    location = _location(image.get("lat"), image.get("lng"))
    stay = json.loads(str(image["stay"])) if image.get("stay") else None
    return from_document({**image, "findings": findings, "location": location, "stay": stay})


def elder_visits_in_month(elder_id: str, month: str) -> Iterator[VisitRecord]:
    """The elder's visits of a China local month ('YYYY-MM'), from the elder index: the
    index's visited_at is text in the offset it was recorded with, so the query takes a day
    of slack either side and the month is checked on each record."""
    first = date.fromisoformat(f"{month}-01")
    after = (first + timedelta(days=32)).replace(day=1)
    low, high = (first - timedelta(days=1)).isoformat(), (after + timedelta(days=1)).isoformat()
    with storage_errors("list an elder's visits"):
        for item in VisitModel.by_elder.query(elder_id, VisitModel.visited_at.between(low, high)):
            record = to_record(item)
            if record.month == month:
                yield record


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
