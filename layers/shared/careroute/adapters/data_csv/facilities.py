"""service_facilities.csv: the day-care centres, service stations and canteens an elder walks
to in the 15-minute service circle."""

from __future__ import annotations

from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import FACILITIES_FILE, Known
from careroute.adapters.registry_csv.rows import Row
from careroute.planning.service_circle import Facility, FacilityKind


def _read(row: Row, known: Known) -> Facility | None:
    facility_id = row.text("facility_id")
    kind = row.choice("kind", FacilityKind)
    district_id = known.district(row)
    location = row.location()
    if not row.ok or kind is None or location is None:
        return None
    facility = Facility(facility_id, kind, district_id, location)
    if kind is FacilityKind.DAY_CARE:
        known.day_care_centres[facility_id] = facility
    return facility


SERVICE_FACILITIES = DataFile(
    name=FACILITIES_FILE,
    columns=("facility_id", "kind", "district_id", "lat", "lng"),
    read=_read,
)
