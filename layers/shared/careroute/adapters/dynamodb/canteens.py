"""Canteens table: the meal-help points (助餐点) the meal planner plans, one item per canteen
keyed by `canteen_id` (hash key only), with its place, the communities it delivers to, its
vehicles, their capacity and speed.

About 300 items for a city: the nightly planner scans them all (one job per canteen). The
list is replaced whole when a city's canteens are loaded (`replace_canteens`): a canteen left
out is deleted, so the planner never plans a closed one.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.columns import Located, location_columns
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, replace_all
from careroute.planning.meals import Canteen


class CanteenModel(TableModel, Located):
    canteen_id = UnicodeAttribute(hash_key=True)
    district_id = UnicodeAttribute()
    street_id = UnicodeAttribute()
    community_ids = ListAttribute(of=UnicodeAttribute)
    """The communities whose elders it delivers to, in id order."""
    vehicles = NumberAttribute()
    vehicle_capacity = NumberAttribute()
    """Meals one vehicle carries."""
    speed_kmh = NumberAttribute()


def _item(canteen: Canteen) -> CanteenModel:
    return CanteenModel(
        canteen.canteen_id,
        district_id=canteen.district_id,
        street_id=canteen.street_id,
        **location_columns(canteen.location),
        community_ids=list(canteen.community_ids),
        vehicles=canteen.vehicles,
        vehicle_capacity=canteen.vehicle_capacity,
        speed_kmh=canteen.speed_kmh,
    )


def _canteen(item: CanteenModel) -> Canteen:
    return Canteen(
        canteen_id=item.canteen_id,
        district_id=item.district_id,
        street_id=item.street_id,
        location=item.location(),
        community_ids=tuple(str(cid) for cid in item.community_ids),
        vehicles=int(item.vehicles),
        vehicle_capacity=int(item.vehicle_capacity),
        speed_kmh=float(item.speed_kmh),
    )


def replace_canteens(canteens: Iterable[Canteen]) -> int:
    """Make `canteens` the whole list (stored ones left out are deleted); the count stored."""
    return replace_all(CanteenModel, [_item(c) for c in canteens], "replace the canteens")


def all_canteens() -> list[Canteen]:
    """Every canteen, by id (none: an empty list)."""
    with storage_errors("list the canteens"):
        found = [_canteen(item) for item in CanteenModel.scan()]
    return sorted(found, key=lambda c: c.canteen_id)
