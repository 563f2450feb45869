"""day_care_bookings.csv: the day-care places (日间照料) and respite stays (短期托养) booked at
the day-care centres of service_facilities.csv, one row per booking, booked or cancelled.
The booked rows of a centre never hold more places on a day than the policy's `[day_care]`
offers of their kind."""

from __future__ import annotations

from careroute.adapters.data_csv.cells import Cell, at, choice, day, read_cells, text
from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import FACILITIES_FILE, Known
from careroute.adapters.registry_csv.rows import Row
from careroute.domain.day_care import BookingStatus, CareKind, DayCareBooking
from careroute.domain.scope_ids import elder_scope_ids

CELLS: dict[str, Cell] = {
    "booking_id": text,
    "kind": choice(CareKind),
    "first_day": day,
    "last_day": day,
    "status": choice(BookingStatus),
    "booked_by": text,
    "booked_at": at,
}


def _read(row: Row, known: Known) -> DayCareBooking | None:
    centre_id = known.listed(row, "centre_id", FACILITIES_FILE)
    community, elder = known.placed_elder(row)
    _check_centre(row, known, centre_id, community.district_id if community else "")
    cells = read_cells(row, CELLS)
    kind, first_day, last_day = cells["kind"], cells["first_day"], cells["last_day"]
    if first_day is not None and last_day is not None and kind is not None:
        policy = known.stored.day_care
        if last_day < first_day:
            row.error("last_day", f"{last_day.isoformat()} is before first_day")
        elif kind is CareKind.DAY_CARE and last_day != first_day:
            row.error("last_day", "a day-care booking is for one day (first_day)")
        elif (last_day - first_day).days + 1 > policy.max_respite_days:
            row.error("last_day", f"a respite stay lasts at most {policy.max_respite_days} days")
    if not row.ok or community is None or elder is None:
        return None
    booking = DayCareBooking(**cells, centre_id=centre_id, **elder_scope_ids(elder))
    if booking.status is BookingStatus.BOOKED:
        _take_places(row, known, booking)
    return booking if row.ok else None


def _check_centre(row: Row, known: Known, centre_id: str, district_id: str) -> None:
    """The centre is a day-care centre of the elder's district."""
    if centre_id not in (known.ids.get(FACILITIES_FILE) or ()):
        return  # unknown (reported) or the facilities file unreadable
    centre = known.day_care_centres.get(centre_id)
    if centre is None:
        row.error("centre_id", f"facility {centre_id} is not a day-care centre")
    elif district_id and centre.district_id != district_id:
        reason = f"centre {centre_id} is in district {centre.district_id}, not {district_id}"
        row.error("centre_id", reason)


def _take_places(row: Row, known: Known, booking: DayCareBooking) -> None:
    """Each day of the booking takes a place of its kind; a day already full is an error."""
    places = known.stored.day_care.places(booking.kind)
    slots = [(booking.centre_id, day, booking.kind) for day in booking.days]
    for slot in slots:
        if known.places_taken.get(slot, 0) >= places:
            reason = f"{slot[1].isoformat()} is full: centre {booking.centre_id} offers {places}"
            row.error("first_day", f"{reason} {booking.kind.value} places a day")
            return
    for slot in slots:
        known.places_taken[slot] = known.places_taken.get(slot, 0) + 1


DAY_CARE_BOOKINGS_COLUMNS = (
    "booking_id", "centre_id", "elder_id", "community_id", "street_id", "district_id", "kind",
    "first_day", "last_day", "status", "booked_by", "booked_at",
)  # fmt: skip

DAY_CARE_BOOKINGS = DataFile(
    name="day_care_bookings.csv",
    columns=DAY_CARE_BOOKINGS_COLUMNS,
    read=_read,
)
