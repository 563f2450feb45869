"""Meal routes table: one item per canteen and delivery day (canteen_id, day), holding the
day's validated plan as JSON. Re-planning a day overwrites it (the same job, retried, gives
the same kind of plan, never a second one). Items expire after ~400 days (TTL)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from pynamodb.attributes import UnicodeAttribute

from careroute.adapters.dynamodb.columns import KEPT_FOR, Expiring
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, find_item


class MealRouteModel(TableModel, Expiring):
    canteen_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)
    district_id = UnicodeAttribute()
    street_id = UnicodeAttribute()
    planned_at = UnicodeAttribute()
    plan = UnicodeAttribute()
    """The plan document (see services.meals.plan_document)."""


def save_plan(
    canteen_id: str,
    day: date,
    district_id: str,
    street_id: str,
    document: dict[str, Any],
    planned_at: datetime,
) -> None:
    item = MealRouteModel(
        canteen_id,
        day.isoformat(),
        district_id=district_id,
        street_id=street_id,
        planned_at=planned_at.isoformat(),
        plan=json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        expires_at=planned_at + KEPT_FOR,
    )
    with storage_errors("store a meal plan"):
        item.save()


def load_plan(canteen_id: str, day: date) -> tuple[str, str, dict[str, Any]] | None:
    """(district id, street id, plan document) of a canteen's day, or None if not planned."""
    item = find_item(MealRouteModel, canteen_id, day.isoformat(), action="read a meal plan")
    if item is None:
        return None
    document: dict[str, Any] = json.loads(item.plan)
    return item.district_id, item.street_id, document
