"""Routes table: one plan document per steward per date (see docs/plan-format.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.columns import Expiring, expiry_of_day
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, find_raw_item, save_if
from careroute.domain.errors import NotFoundError


class RouteModel(TableModel, Expiring):
    steward_id = UnicodeAttribute(hash_key=True)
    plan_date = UnicodeAttribute(range_key=True)
    community_id = UnicodeAttribute()
    document = JSONAttribute()


def route_expiry(day: str) -> datetime:
    """When a route of `day` (ISO date) expires (see `expiry_of_day`). Inspectors' routes
    expire the same way."""
    return expiry_of_day(date.fromisoformat(day))


def route_item(document: dict[str, Any]) -> RouteModel:
    """The route's item as stored (expiring with its day)."""
    return RouteModel(
        document["steward_id"],
        document["date"],
        community_id=document["community_id"],
        document=document,
        expires_at=route_expiry(document["date"]),
    )


def save_route(document: dict[str, Any]) -> None:
    """Store (or replace) a steward's route for a date; re-planning the same day overwrites."""
    item = route_item(document)
    with storage_errors("save a route"):
        item.save()


def replace_route(document: dict[str, Any], previous: dict[str, Any] | None) -> bool:
    """Store `document` only if the stored route is still `previous` (None: no route yet);
    False when someone changed it meanwhile (read again, redo the change)."""
    item = route_item(document)
    seen = (
        RouteModel.steward_id.does_not_exist()
        if previous is None
        else RouteModel.document == previous
    )
    return save_if(item, seen, "save a route")


def route_key(steward_id: str, plan_date: date) -> dict[str, str]:
    """A route item's key (attribute name to string)."""
    return {
        RouteModel.steward_id.attr_name: steward_id,
        RouteModel.plan_date.attr_name: plan_date.isoformat(),
    }


def document_of(item: dict[str, Any]) -> dict[str, Any]:
    """The route document of an item as DynamoDB answers it (typed values)."""
    document: dict[str, Any] = json.loads(item[RouteModel.document.attr_name]["S"], strict=False)
    return document


def _document(steward_id: str, plan_date: date, consistent: bool = False) -> dict[str, Any] | None:
    """The route document, read with the low-level client (a steward's route read and first
    outcome are hot paths; the document is most of the item and JSON either way)."""
    key = route_key(steward_id, plan_date)
    item = find_raw_item(RouteModel, key, "read a route", consistent=consistent)
    return None if item is None else document_of(item)


def find_route(steward_id: str, day: date) -> dict[str, Any] | None:
    """The stored route (read consistently), or None."""
    return _document(steward_id, day, consistent=True)


def get_route(steward_id: str, plan_date: date) -> dict[str, Any]:
    document = _document(steward_id, plan_date)
    if document is None:
        raise NotFoundError(f"no route for steward {steward_id} on {plan_date.isoformat()}")
    return document


def routes_on(plan_date: date) -> Iterator[dict[str, Any]]:
    """Every stored route for a date (a scan: for reports and exports, not for requests)."""
    with storage_errors("list routes"):
        for item in RouteModel.scan(RouteModel.plan_date == plan_date.isoformat()):
            yield item.document
