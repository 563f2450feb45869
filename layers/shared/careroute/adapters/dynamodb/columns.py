"""Column groups that several tables declare alike, written once: a table model lists the
groups it has among its bases and declares only its own attributes.

The groups are plain classes of pynamodb attributes (a model collects the attributes of all
its bases). Each names what its columns mean and reads them back as a domain value; its
`*_columns` function gives them from that value, to build an item with
(`AssessmentModel(pk, sk, **location_columns(request.location))`). A table that stores one
domain dataclass takes its columns from the dataclass instead (`mapped.py`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TypedDict

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from careroute.domain.scope_ids import ScopeIds
from careroute.domain.vocabulary import CHINA_TZ, GeoPoint, TimeWindow


class SharedKeys:
    """The generic keys of a table that keeps several kinds of item: `pk` (hash) and `sk`
    (range), whose texts each module composes (e.g. `elder#<id>`, `config#<name>`)."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class Expiring:
    """When DynamoDB's time to live deletes the item: a timezone-aware moment, stored as
    epoch seconds (the tables' TTL attribute, see template.yaml); absent: kept."""

    expires_at = TTLAttribute(null=True)


MONTH_PREFIX = "month#"


def month_key(day: date) -> str:
    """The key of the item that totals a month beside a table's own items (`month#YYYY-MM`,
    which no id of those items starts with)."""
    return f"{MONTH_PREFIX}{day:%Y-%m}"


KEPT_FOR = timedelta(days=400)
"""How long the expiring records (routes, plans, orders, bookings, markers) are kept past
their day or their writing: a year and a month."""


def expiry_of_day(day: date) -> datetime:
    """When an item of `day` expires: KEPT_FOR past the start of the day (China time)."""
    return datetime.combine(day, time(), CHINA_TZ) + KEPT_FOR


class Located:
    """Where the item is on the map (degrees)."""

    lat = NumberAttribute()
    lng = NumberAttribute()

    def location(self) -> GeoPoint:
        return GeoPoint(float(self.lat), float(self.lng))


class LocationColumns(TypedDict):
    lat: float
    lng: float


def location_columns(location: GeoPoint) -> LocationColumns:
    return {"lat": location.lat, "lng": location.lng}


def optional_window(start: float | None, end: float | None) -> TimeWindow | None:
    """A window kept in two nullable columns (a lunch break, a booked delivery's window);
    None when they are absent."""
    if start is None or end is None:
        return None
    return TimeWindow(int(start), int(end))


class InScopes:
    """The community, street and district the item belongs to: the scopes officials read by
    (their queries filter on these attributes). The domain values name them alike, so
    `careroute.domain.scope_ids.scope_ids` serves both ways."""

    community_id = UnicodeAttribute()
    street_id = UnicodeAttribute()
    district_id = UnicodeAttribute()


class MaybeInScopes:
    """The community, street and district of an item, in a table where some items name none
    (an incident table's per-elder slot, a lunch order imported without a booking)."""

    community_id = UnicodeAttribute(null=True)
    street_id = UnicodeAttribute(null=True)
    district_id = UnicodeAttribute(null=True)

    def scope_ids(self) -> ScopeIds:
        """The three ids, "" for one the item does not name."""
        return {
            "community_id": self.community_id or "",
            "street_id": self.street_id or "",
            "district_id": self.district_id or "",
        }
