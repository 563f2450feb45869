"""Canteens table: the meal-help points (助餐点) the meal planner plans, one item per canteen
keyed by `canteen_id` (hash key only), with its place, the communities it delivers to, its
vehicles, their capacity and speed.

About 300 items for a city: the nightly planner scans them all (one job per canteen). The
list is replaced whole when a city's canteens are loaded (`replace_canteens`): a canteen left
out is deleted, so the planner never plans a closed one.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.attributes import UnicodeAttribute

from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.adapters.dynamodb.tables import replace_all
from careroute.planning.meals import Canteen

CANTEEN_COLUMNS = FieldColumns(Canteen)


class CanteenModel(MappedModel, stores=CANTEEN_COLUMNS):
    canteen_id = UnicodeAttribute(hash_key=True)


def _item(canteen: Canteen) -> CanteenModel:
    return CanteenModel(**CANTEEN_COLUMNS.values(canteen))


def _canteen(item: CanteenModel) -> Canteen:
    return CANTEEN_COLUMNS.read(item)


def replace_canteens(canteens: Iterable[Canteen]) -> int:
    """Make `canteens` the whole list (stored ones left out are deleted); the count stored."""
    return replace_all(CanteenModel, [_item(c) for c in canteens], "replace the canteens")


def all_canteens() -> list[Canteen]:
    """Every canteen, by id (none: an empty list)."""
    with storage_errors("list the canteens"):
        found = [_canteen(item) for item in CanteenModel.scan()]
    return sorted(found, key=lambda c: c.canteen_id)
