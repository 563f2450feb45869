"""Inspection data in two tables.

InspectionTargetsTable: one item per target, keyed by target id. `district-due-index`
(district_id, due_date) is sparse: a target with nothing due (an accepted adaptation job)
carries no due_date, so a district's due and overdue targets are one query.

InspectionsTable (pk, sk), the inspection work:
- `inspectors#<district>` / inspector id: a district's inspectors;
- `route#<inspector>` / date: an inspector's route document (expires like steward routes);
- `plan#<district>` / date: the district day's plan summary (unassigned targets, solve time);
- `result#<result id>` / `-`: a posted result with its request fingerprint. Results carry
  `district_month` and `inspected_at`, the keys of the sparse `district-month-index` that
  counts a district's inspections of a month.

A result is stored and its target's due date advanced in ONE transaction, conditional on
the result being new and the target's due date being the one read: a retry cannot advance
it twice, and a concurrent result for the same target makes this one retry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.expressions.update import Action

from careroute.adapters.dynamodb.columns import Expiring, SharedKeys
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.adapters.dynamodb.moments import day_from_text, instant_text
from careroute.adapters.dynamodb.routes import route_expiry
from careroute.adapters.dynamodb.tables import (
    TableModel,
    find_item,
    get_item,
    index,
    transaction,
    write_all,
)
from careroute.domain.errors import NotFoundError
from careroute.domain.inspections import InspectionTarget, Inspector, ItemScore, TargetKind
from careroute.domain.vocabulary import CHINA_TZ, GeoPoint, TimeWindow, china_date
from careroute.service_layer.ports import MonthResult, ResultSaved

TARGET_COLUMNS = FieldColumns(InspectionTarget, left_out={"devices", "last_scores"})


class InspectionTargetModel(MappedModel, stores=TARGET_COLUMNS):
    target_id = UnicodeAttribute(hash_key=True)
    by_district_due = index("district-due-index", "district_id", range_key="due_date")

    devices = UnicodeSetAttribute(null=True)
    last_scores = JSONAttribute(null=True)
    """The latest inspection's checklist scores, item -> score (an institution's rating)."""
    last_result_id = UnicodeAttribute(null=True)


class InspectionItemModel(TableModel, SharedKeys, Expiring):
    document = JSONAttribute()
    district_month = UnicodeAttribute(null=True)
    inspected_at = UnicodeAttribute(null=True)

    by_district_month = index("district-month-index", "district_month", range_key="inspected_at")


# ------------------------------------------------------------------ targets


def _target_item(t: InspectionTarget) -> InspectionTargetModel:
    return InspectionTargetModel(
        **TARGET_COLUMNS.values(t),
        devices=set(t.devices) or None,
        last_scores=_scores_column(t) or None,
    )


def _scores_column(t: InspectionTarget) -> dict[str, int]:
    return {s.item: s.score for s in t.last_scores}


def _scores_of(item: InspectionTargetModel) -> dict[str, int]:
    scores: dict[str, int] = item.last_scores or {}
    return scores


def _target(item: InspectionTargetModel) -> InspectionTarget:
    return TARGET_COLUMNS.read(
        item,
        devices=tuple(sorted(item.devices or ())),
        last_scores=tuple(ItemScore(i, int(n)) for i, n in sorted(_scores_of(item).items())),
    )


def save_targets(targets: Iterable[InspectionTarget]) -> int:
    """Store (or replace) targets; the count written."""
    return write_all(InspectionTargetModel, map(_target_item, targets), "save inspection targets")


def get_target(target_id: str, consistent: bool = False) -> InspectionTarget:
    item = get_item(
        InspectionTargetModel,
        target_id,
        action="read an inspection target",
        missing=f"inspection target {target_id} not found",
        consistent=consistent,
    )
    return _target(item)


def institutions_of(district_id: str) -> Iterator[InspectionTarget]:
    """A district's care institutions (always due some day: all on the due-date index)."""
    kind = InspectionTargetModel.kind == TargetKind.INSTITUTION.value
    with storage_errors("list institutions"):
        for item in InspectionTargetModel.by_district_due.query(district_id, filter_condition=kind):
            yield _target(item)


def all_targets() -> list[InspectionTarget]:
    """Every target, by id (an export of the data set; a scan)."""
    with storage_errors("list inspection targets"):
        found = [_target(item) for item in InspectionTargetModel.scan()]
    return sorted(found, key=lambda t: t.target_id)


def due_by(district_id: str, last_day: date) -> Iterator[InspectionTarget]:
    """A district's targets with a due date on or before `last_day`, soonest first."""
    condition = InspectionTargetModel.due_date <= last_day.isoformat()
    with storage_errors("list due inspection targets"):
        for item in InspectionTargetModel.by_district_due.query(district_id, condition):
            yield _target(item)


# ------------------------------------------------------------------ inspectors, routes


def _inspector_doc(i: Inspector) -> dict[str, Any]:
    return {
        "inspector_id": i.inspector_id,
        "district_id": i.district_id,
        "base": [i.base.lat, i.base.lng],
        "shift": [i.shift.start, i.shift.end],
        "lunch_break": [i.lunch_break.start, i.lunch_break.end] if i.lunch_break else None,
        "skills": sorted(i.skills),
        "days_off": sorted(i.days_off),
    }


def _inspector(doc: dict[str, Any]) -> Inspector:
    brk = doc["lunch_break"]
    return Inspector(
        inspector_id=doc["inspector_id"],
        district_id=doc["district_id"],
        base=GeoPoint(*doc["base"]),
        shift=TimeWindow(*doc["shift"]),
        lunch_break=TimeWindow(*brk) if brk else None,
        skills=frozenset(doc["skills"]),
        days_off=frozenset(doc["days_off"]),
    )


def _inspector_item(i: Inspector) -> InspectionItemModel:
    return InspectionItemModel(
        f"inspectors#{i.district_id}", i.inspector_id, document=_inspector_doc(i)
    )


def save_inspectors(inspectors: Iterable[Inspector]) -> int:
    return write_all(InspectionItemModel, map(_inspector_item, inspectors), "save inspectors")


def inspectors_of(district_id: str) -> list[Inspector]:
    with storage_errors("list inspectors"):
        items = InspectionItemModel.query(f"inspectors#{district_id}")
        return [_inspector(item.document) for item in items]


def inspector_in(district_id: str, inspector_id: str) -> bool:
    """Is `inspector_id` one of the district's inspectors?"""
    key = (f"inspectors#{district_id}", inspector_id)
    return find_item(InspectionItemModel, *key, action="read an inspector") is not None


def _day_item(pk: str, document: dict[str, Any]) -> InspectionItemModel:
    """A document of a district day (a route or the plan summary), kept like steward routes."""
    day = document["date"]
    return InspectionItemModel(pk, day, document=document, expires_at=route_expiry(day))


def save_plan(routes: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    """Store a district day's routes and summary (re-planning the day overwrites them)."""
    items = [_day_item(f"route#{doc['inspector_id']}", doc) for doc in routes]
    items.append(_day_item(f"plan#{summary['district_id']}", summary))
    write_all(InspectionItemModel, items, "save inspection routes")


def _document(pk: str, sk: str, action: str, consistent: bool = False) -> dict[str, Any] | None:
    """The JSON document stored under (pk, sk), or None."""
    item = find_item(InspectionItemModel, pk, sk, action=action, consistent=consistent)
    document: dict[str, Any] | None = item.document if item else None
    return document


def get_route(inspector_id: str, day: date) -> dict[str, Any]:
    document = _document(f"route#{inspector_id}", day.isoformat(), "read an inspection route")
    if document is None:
        raise NotFoundError(f"no inspection route for {inspector_id} on {day}")
    return document


def plan_summary(district_id: str, day: date) -> dict[str, Any] | None:
    return _document(f"plan#{district_id}", day.isoformat(), "read an inspection plan")


# ------------------------------------------------------------------ results


def save_result(
    document: dict[str, Any], target: InspectionTarget, after: InspectionTarget
) -> ResultSaved:
    """Store a result and write its target as the result leaves it (`after`: the next due
    date, the latest scores, the beds counted), in one transaction."""
    inspected_at = datetime.fromisoformat(document["inspected_at"])
    month = inspected_at.astimezone(CHINA_TZ).strftime("%Y-%m")
    result = InspectionItemModel(
        f"result#{document['result_id']}",
        "-",
        document=document,
        district_month=f"{target.district_id}#{month}",
        inspected_at=instant_text(inspected_at),
    )
    seen = InspectionTargetModel.due_date
    condition = (seen == target.due_date.isoformat()) if target.due_date else seen.does_not_exist()
    model = InspectionTargetModel
    actions: list[Action] = [
        model.last_inspected.set(china_date(inspected_at).isoformat()),
        model.last_result_id.set(document["result_id"]),
        model.due_date.set(after.due_date.isoformat())
        if after.due_date
        else model.due_date.remove(),
        model.last_scores.set(_scores_column(after)),
        model.last_rectifications.set(after.last_rectifications),
        model.beds.set(after.beds),
        model.occupied_beds.set(after.occupied_beds),
    ]
    with transaction(InspectionItemModel, "record an inspection result") as tx:
        tx.save(result, condition=InspectionItemModel.pk.does_not_exist())
        tx.update(
            InspectionTargetModel(target.target_id),
            actions=actions,
            condition=condition & InspectionTargetModel.target_id.exists(),
        )
    if tx.committed:
        return ResultSaved.CREATED
    return ResultSaved.EXISTS if tx.failed[0] else ResultSaved.TARGET_CHANGED


def get_result(result_id: str) -> dict[str, Any] | None:
    return _document(f"result#{result_id}", "-", "read an inspection result", consistent=True)


def results_in(district_id: str, month: str) -> Iterator[MonthResult]:
    """A district's results of a month ('YYYY-MM', China time)."""
    with storage_errors("list inspection results"):
        for item in InspectionItemModel.by_district_month.query(f"{district_id}#{month}"):
            doc = item.document
            yield MonthResult(
                doc["target_id"], day_from_text(doc.get("due_date")), bool(doc["on_time"])
            )
