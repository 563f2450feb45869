"""Service facilities table: what the 15-minute service circle counts (day-care centres,
community service stations, meal canteens), one item per facility keyed by `facility_id`
(hash key only), with its kind, district and place.

About 1,200 items for a city: the circle scans them all, because an elder may walk to a
facility of the next street or district. The list is replaced whole when a city's facilities
are loaded (`replace_facilities`): a facility left out is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.attributes import UnicodeAttribute

from careroute.adapters.dynamodb.columns import Located, location_columns
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, replace_all
from careroute.planning.service_circle import Facility, FacilityKind


class ServiceFacilityModel(TableModel, Located):
    facility_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    """A FacilityKind: day_care, service_station or canteen."""
    district_id = UnicodeAttribute()


def _item(f: Facility) -> ServiceFacilityModel:
    return ServiceFacilityModel(
        f.facility_id,
        kind=f.kind.value,
        district_id=f.district_id,
        **location_columns(f.location),
    )


def replace_facilities(facilities: Iterable[Facility]) -> int:
    """Make `facilities` the whole list (stored ones left out are deleted); the count stored."""
    items = [_item(f) for f in facilities]
    return replace_all(ServiceFacilityModel, items, "replace the service facilities")


def all_facilities() -> list[Facility]:
    """Every facility, by id (none: an empty list)."""
    with storage_errors("list the service facilities"):
        found = [
            Facility(
                item.facility_id,
                FacilityKind(item.kind),
                item.district_id,
                item.location(),
            )
            for item in ServiceFacilityModel.scan()
        ]
    return sorted(found, key=lambda f: f.facility_id)
