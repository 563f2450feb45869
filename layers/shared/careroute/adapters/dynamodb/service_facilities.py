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

from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.adapters.dynamodb.tables import replace_all
from careroute.planning.service_circle import Facility

FACILITY_COLUMNS = FieldColumns(Facility)


class ServiceFacilityModel(MappedModel, stores=FACILITY_COLUMNS):
    facility_id = UnicodeAttribute(hash_key=True)


def replace_facilities(facilities: Iterable[Facility]) -> int:
    """Make `facilities` the whole list (stored ones left out are deleted); the count stored."""
    items = [ServiceFacilityModel(**FACILITY_COLUMNS.values(f)) for f in facilities]
    return replace_all(ServiceFacilityModel, items, "replace the service facilities")


def all_facilities() -> list[Facility]:
    """Every facility, by id (none: an empty list)."""
    with storage_errors("list the service facilities"):
        found = [FACILITY_COLUMNS.read(item) for item in ServiceFacilityModel.scan()]
    return sorted(found, key=lambda f: f.facility_id)
