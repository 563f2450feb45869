"""meal_bookings.csv: the lunches booked (老年助餐) through the API, one per elder and day, with
how they are eaten (delivered or dine-in), who booked them and when, and the subsidy per meal
fixed when booked. A delivered lunch is also the canteen day's order: given beside
meal_orders.csv, the order of the same elder and day must be that delivery."""

from __future__ import annotations

from careroute.adapters.data_csv.cells import Cell, at, choice, day, integer, read_cells, text
from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import CANTEENS_FILE, Known
from careroute.adapters.data_csv.meals import MAX_MEALS
from careroute.adapters.registry_csv.rows import Row
from careroute.domain.meals import MealBooking, MealMode, booking_id
from careroute.domain.scope_ids import elder_scope_ids

MAX_SUBSIDY_YUAN = 1_000


CELLS: dict[str, Cell] = {
    "day": day,
    "mode": choice(MealMode),
    "meals": integer(1, MAX_MEALS),
    "subsidy_per_meal": integer(0, MAX_SUBSIDY_YUAN),
    "placed_by": text,
    "placed_at": at,
}


def _read(row: Row, known: Known) -> MealBooking | None:
    community, elder = known.placed_elder(row)
    canteen_id = known.listed(row, "canteen_id", CANTEENS_FILE)
    canteen = known.canteens.get(canteen_id)
    served = canteen.community_ids if canteen is not None else None
    if community is not None and served is not None and community.community_id not in served:
        reason = f"canteen {canteen_id} does not serve community {community.community_id}"
        row.error("canteen_id", reason)
    cells = read_cells(row, CELLS)
    mode = cells["mode"]
    location = row.location()
    window = row.window("window_start", "window_end", required=mode is MealMode.DELIVERY)
    if mode is MealMode.DINE_IN and window is not None:
        row.error("window_start", "must be empty for a dine-in lunch")
    if not row.ok or community is None or elder is None or location is None:
        return None
    booking = MealBooking(
        **cells,
        **elder_scope_ids(elder),
        canteen_id=canteen_id,
        location=location,
        window=window,
    )
    _check_order(row, known, booking)
    return booking if row.ok else None


def _check_order(row: Row, known: Known, booking: MealBooking) -> None:
    """The canteen day's order of the elder (meal_orders.csv) is this booking's delivery."""
    found = known.meal_orders.get(booking_id(booking.day, booking.elder_id))
    if found is None:
        return
    order, line = found
    if booking.mode is MealMode.DINE_IN:
        row.error("mode", f"the elder's lunch that day is a delivery (meal_orders.csv line {line})")
        return
    delivered = (booking.canteen_id, booking.meals, booking.window, booking.location)
    if delivered != (order.canteen_id, order.meals, order.window, order.location):
        reason = "canteen, meals, window and location"
        row.error("day", f"{reason} differ from the lunch order on meal_orders.csv line {line}")


MEAL_BOOKINGS_COLUMNS = (
    "day", "elder_id", "community_id", "street_id", "district_id", "canteen_id", "mode",
    "meals", "subsidy_per_meal", "placed_by", "placed_at", "lat", "lng", "window_start",
    "window_end",
)  # fmt: skip

MEAL_BOOKINGS = DataFile(
    name="meal_bookings.csv",
    columns=MEAL_BOOKINGS_COLUMNS,
    read=_read,
    identified_by=("day", "elder_id"),
)
