"""Home care beds table: beds, their service visits and the providers' bed routes, one item
each under `item_id` (`bed#<id>`, `visit#<id>`, `route#<worker>#<day>`, `plan#<provider>#<day>`),
and `holder#<elder>` naming the elder's one bed not closed (the table keeps it one).

Beds and visits carry `district_id` and `district_sort` (`bed#<id>`, `visit#<day>#<id>`), the
keys of the sparse district-index: a district's beds, or its visits between two days, are one
Query. A bed or a visit is stored as its JSON document; a new one is a conditional put (a
retried POST writes nothing), a bed's step is conditional on the version read. Kept (no TTL):
the visits are the evidence behind the month's bed coverage and the service-hour ledger.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from careroute.adapters.dynamodb.documents import as_read, as_stored
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.moments import day_from_text, day_text
from careroute.adapters.dynamodb.tables import (
    TableModel,
    find_item,
    get_item,
    index,
    save_if,
    transaction,
    update_if,
    write_all,
)
from careroute.domain.bed_visits import BedVisit, BedVisitOutcome
from careroute.domain.beds import BedStatus, HomeCareBed, Subsistence
from careroute.domain.eligibility import CareLevel
from careroute.domain.errors import ConflictError
from careroute.domain.scope_ids import scope_ids, scope_ids_in
from careroute.domain.vocabulary import GeoPoint, TimeWindow


class HomeCareBedModel(TableModel):
    item_id = UnicodeAttribute(hash_key=True)
    district_id = UnicodeAttribute(null=True)
    district_sort = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)
    request_hash = UnicodeAttribute(default="")
    document = UnicodeAttribute()

    by_district = index("district-index", "district_id", range_key="district_sort")


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


BED_AS_IS = ("bed_id", "elder_id", "provider_id", "version")
"""The fields of a bed its document keeps as they are."""
VISIT_AS_IS = ("visit_id", "bed_id", "elder_id", "provider_id", "worker_id", "minutes", "note")
"""The fields of a bed visit its document keeps as they are."""


def bed_document(bed: HomeCareBed) -> dict[str, Any]:
    return {
        **as_stored(bed, *BED_AS_IS),
        **scope_ids(bed),
        "lat": bed.location.lat,
        "lng": bed.location.lng,
        "subsistence": bed.subsistence.value,
        "care_level": bed.care_level.value,
        "applied_on": bed.applied_on.isoformat(),
        "equipment": sorted(bed.equipment),
        "status": bed.status.value,
        "built_on": day_text(bed.built_on),
        "accepted_on": day_text(bed.accepted_on),
        "closed_on": day_text(bed.closed_on),
        "window": [bed.window.start, bed.window.end],
    }


def bed_from(document: dict[str, Any]) -> HomeCareBed:
    d = document
    return HomeCareBed(
        **as_read(d, *BED_AS_IS),
        **scope_ids_in(d),
        location=GeoPoint(d["lat"], d["lng"]),
        subsistence=Subsistence(d["subsistence"]),
        care_level=CareLevel(d["care_level"]),
        applied_on=date.fromisoformat(d["applied_on"]),
        equipment=frozenset(d["equipment"]),
        status=BedStatus(d["status"]),
        built_on=day_from_text(d["built_on"]),
        accepted_on=day_from_text(d["accepted_on"]),
        closed_on=day_from_text(d["closed_on"]),
        window=TimeWindow(*d["window"]),
    )


def visit_document(visit: BedVisit) -> dict[str, Any]:
    return {
        **as_stored(visit, *VISIT_AS_IS),
        **scope_ids(visit),
        "visited_at": visit.visited_at.isoformat(),
        "outcome": visit.outcome.value,
        "recorded_at": visit.recorded_at.isoformat(),
    }


def visit_from(document: dict[str, Any]) -> BedVisit:
    d = document
    return BedVisit(
        **as_read(d, *VISIT_AS_IS),
        **scope_ids_in(d),
        visited_at=datetime.fromisoformat(d["visited_at"]),
        outcome=BedVisitOutcome(d["outcome"]),
        recorded_at=datetime.fromisoformat(d["recorded_at"]),
    )


def _holder(elder_id: str, bed_id: str) -> HomeCareBedModel:
    """The marker of the elder's one bed not closed: put with the bed on condition that
    none exists, deleted when the bed closes."""
    return HomeCareBedModel(f"holder#{elder_id}", document=_json({"bed_id": bed_id}))


def _bed_item(bed: HomeCareBed, request_hash: str) -> HomeCareBedModel:
    return HomeCareBedModel(
        f"bed#{bed.bed_id}",
        district_id=bed.district_id,
        district_sort=f"bed#{bed.bed_id}",
        version=bed.version,
        request_hash=request_hash,
        document=_json(bed_document(bed)),
    )


def add_bed(bed: HomeCareBed, request_hash: str) -> bool:
    """The bed and its elder's holder marker in one transaction, each on condition it does
    not exist: a second open bed for the elder is refused by the table, also when two
    requests race past the use case's check."""
    item = _bed_item(bed, request_hash)
    new = HomeCareBedModel.item_id.does_not_exist()
    with transaction(HomeCareBedModel, "store a home care bed") as writes:
        writes.save(item, condition=new)
        if bed.status is not BedStatus.CLOSED:
            writes.save(_holder(bed.elder_id, bed.bed_id), condition=new)
    if writes.committed:
        return True
    if writes.failed[0]:
        return False
    raise ConflictError(f"elder_id: the elder has a bed already ({open_bed_of(bed.elder_id)})")


def open_bed_of(elder_id: str) -> str | None:
    item = find_item(
        HomeCareBedModel, f"holder#{elder_id}", action="read a bed holder", consistent=True
    )
    return str(json.loads(item.document)["bed_id"]) if item is not None else None


def get_bed(bed_id: str) -> tuple[HomeCareBed, str]:
    item = get_item(
        HomeCareBedModel,
        f"bed#{bed_id}",
        action="read a bed",
        missing=f"bed {bed_id} not found",
        consistent=True,
    )
    return bed_from(json.loads(item.document)), item.request_hash


def save_bed(before: HomeCareBed, after: HomeCareBed) -> bool:
    """Store a bed's step over the version read (the recording request's fingerprint stays);
    a close deletes the elder's holder marker in the same transaction if it names this bed."""
    item = HomeCareBedModel(f"bed#{after.bed_id}")
    actions: list[Action] = [
        HomeCareBedModel.version.set(after.version),
        HomeCareBedModel.document.set(_json(bed_document(after))),
    ]
    read = HomeCareBedModel.version == before.version
    closing = after.status is BedStatus.CLOSED and before.status is not BedStatus.CLOSED
    if not closing or open_bed_of(after.elder_id) != after.bed_id:
        return update_if(item, actions, read, "step a bed")
    holder = _holder(after.elder_id, after.bed_id)
    with transaction(HomeCareBedModel, "close a bed") as writes:
        writes.update(item, actions=actions, condition=read)
        writes.delete(holder, condition=HomeCareBedModel.document == holder.document)
    return writes.committed


def beds_of_district(district_id: str) -> list[HomeCareBed]:
    """The district's beds by bed id."""
    with storage_errors("list a district's beds"):
        items = HomeCareBedModel.by_district.query(
            district_id, HomeCareBedModel.district_sort.startswith("bed#")
        )
        beds = [bed_from(json.loads(item.document)) for item in items]
    return sorted(beds, key=lambda b: b.bed_id)


def import_beds(beds: Iterable[HomeCareBed]) -> int:
    """Put each bed (replacing the stored one of its id) and its elder's holder marker while
    it is open; a closed bed's marker is deleted if it names the bed. The import checked one
    open bed per elder against the stored ones, so a marker put names the elder's only one."""
    checked = list(beds)
    closed = [bed for bed in checked if bed.status is BedStatus.CLOSED]
    items = [_bed_item(bed, "") for bed in checked]
    items += [_holder(b.elder_id, b.bed_id) for b in checked if b.status is not BedStatus.CLOSED]
    write_all(HomeCareBedModel, items, "import home care beds")
    for bed in closed:
        if open_bed_of(bed.elder_id) == bed.bed_id:
            with storage_errors("drop a closed bed's holder"):
                _holder(bed.elder_id, bed.bed_id).delete()
    return len(checked)


def _visit_item(visit: BedVisit, request_hash: str) -> HomeCareBedModel:
    return HomeCareBedModel(
        f"visit#{visit.visit_id}",
        district_id=visit.district_id,
        district_sort=f"visit#{visit.local_date.isoformat()}#{visit.visit_id}",
        request_hash=request_hash,
        document=_json(visit_document(visit)),
    )


def add_visit(visit: BedVisit, request_hash: str) -> bool:
    item = _visit_item(visit, request_hash)
    return save_if(item, HomeCareBedModel.item_id.does_not_exist(), "store a bed visit")


def import_visits(visits: Iterable[BedVisit]) -> int:
    """Put each visit of an import (replacing the stored one of its id)."""
    items = [_visit_item(visit, "") for visit in visits]
    write_all(HomeCareBedModel, items, "import bed visits")
    return len(items)


def get_visit(visit_id: str) -> tuple[BedVisit, str]:
    missing = f"bed visit {visit_id} not found"
    item = get_item(
        HomeCareBedModel, f"visit#{visit_id}", action="read a bed visit", missing=missing
    )
    return visit_from(json.loads(item.document)), item.request_hash


def visits_of_district(district_id: str, first: date, last: date) -> list[BedVisit]:
    """Visits made from `first` to `last`, oldest first (the sort key starts with the day)."""
    since, until = f"visit#{first.isoformat()}", f"visit#{last.isoformat()}#~"
    with storage_errors("list a district's bed visits"):
        items = HomeCareBedModel.by_district.query(
            district_id, HomeCareBedModel.district_sort.between(since, until)
        )
        visits = [visit_from(json.loads(item.document)) for item in items]
    return sorted(visits, key=lambda v: (v.visited_at, v.visit_id))


def save_bed_plan(routes: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    items = [
        HomeCareBedModel(f"route#{r['worker_id']}#{r['date']}", document=_json(r)) for r in routes
    ]
    key = f"plan#{summary['provider_id']}#{summary['date']}"
    items.append(HomeCareBedModel(key, document=_json(summary)))
    write_all(HomeCareBedModel, items, "store a provider's bed routes")


def _plan_document(key: str, action: str) -> dict[str, Any] | None:
    """A stored route or plan summary, or None when there is none."""
    item = find_item(HomeCareBedModel, key, action=action)
    if item is None:
        return None
    document: dict[str, Any] = json.loads(item.document)
    return document


def bed_route(worker_id: str, day: date) -> dict[str, Any] | None:
    key = f"route#{worker_id}#{day.isoformat()}"
    return _plan_document(key, "read a worker's bed route")


def bed_plan_summary(provider_id: str, day: date) -> dict[str, Any] | None:
    key = f"plan#{provider_id}#{day.isoformat()}"
    return _plan_document(key, "read a provider's bed plan")
