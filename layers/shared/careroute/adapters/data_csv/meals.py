"""canteens.csv and meal_orders.csv: the meal-help points (助餐点) with the communities they
deliver to and their vehicles, and the lunch orders of given days, one per elder and day."""

from __future__ import annotations

from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import CANTEENS_FILE, Known
from careroute.adapters.registry_csv.rows import Row
from careroute.domain.meals import booking_id
from careroute.planning.meals import Canteen, MealOrder

MAX_VEHICLES = 1_000
MAX_VEHICLE_CAPACITY = 10_000
MAX_SPEED_KMH = 120.0
MAX_MEALS = 20


def _read_canteen(row: Row, known: Known) -> Canteen | None:
    canteen_id = row.text("canteen_id")
    district_id = known.district(row)
    street_id = known.street(row, district_id)
    location = row.location()
    community_ids = row.words("community_ids")
    if not community_ids:
        row.error("community_ids", "is empty (required): a canteen delivers to some community")
    for community_id in community_ids:
        _check_served_once(row, known, canteen_id, community_id)
    vehicles = row.integer("vehicles", 1, MAX_VEHICLES)
    capacity = row.integer("vehicle_capacity", 1, MAX_VEHICLE_CAPACITY)
    speed = row.number("speed_kmh", 1.0, MAX_SPEED_KMH)
    if not row.ok or location is None:
        return None
    canteen = Canteen(
        canteen_id,
        district_id,
        street_id,
        location,
        tuple(community_ids),
        vehicles,
        capacity,
        speed,
    )
    known.canteens[canteen_id] = canteen
    return canteen


def _check_served_once(row: Row, known: Known, canteen_id: str, community_id: str) -> None:
    """A community is delivered to by one canteen."""
    if community_id not in known.communities:
        row.error("community_ids", f"unknown community {community_id!r}")
    elif community_id in known.canteen_of:
        other, line = known.canteen_of[community_id]
        reason = f"community {community_id} is delivered to by canteen {other} (line {line})"
        row.error("community_ids", reason)
    else:
        known.canteen_of[community_id] = (canteen_id, row.line)


CANTEENS_COLUMNS = (
    "canteen_id", "district_id", "street_id", "lat", "lng", "community_ids", "vehicles",
    "vehicle_capacity", "speed_kmh",
)  # fmt: skip

CANTEENS = DataFile(
    name=CANTEENS_FILE,
    columns=CANTEENS_COLUMNS,
    read=_read_canteen,
)


def _read_order(row: Row, known: Known) -> MealOrder | None:
    day = row.day("day")
    elder = known.elder(row)
    canteen_id = known.listed(row, "canteen_id", CANTEENS_FILE)
    canteen = known.canteens.get(canteen_id)
    if (
        elder is not None
        and canteen is not None
        and elder.community_id not in canteen.community_ids
    ):
        reason = f"canteen {canteen_id} does not deliver to community {elder.community_id}"
        row.error("canteen_id", f"{reason} (elder {elder.elder_id}'s)")
    location = row.location()
    meals = row.integer("meals", 1, MAX_MEALS)
    window = row.window("window_start", "window_end")
    if not row.ok or day is None or elder is None or location is None or window is None:
        return None
    order = MealOrder(
        booking_id(day, elder.elder_id), elder.elder_id, canteen_id, location, meals, window
    )
    known.meal_orders[order.order_id] = (order, row.line)
    return order


def _day_text(o: MealOrder) -> str:
    return o.order_id.partition(":")[0]


MEAL_ORDERS_COLUMNS = (
    "day", "elder_id", "canteen_id", "lat", "lng", "meals", "window_start", "window_end",
)  # fmt: skip

MEAL_ORDERS = DataFile(
    name="meal_orders.csv",
    columns=MEAL_ORDERS_COLUMNS,
    read=_read_order,
    written_as={"day": _day_text},
    identified_by=("day", "elder_id"),
    sorted_by=lambda o: o.order_id,
)
