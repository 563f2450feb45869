"""The service circle's rows in the coverage table: one item per community (`circle-rows`,
community id) with its elders, how many within the circle and the ids outside, replaced by
each nightly count, so a city's circle is one query instead of every elder."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.columns import SharedKeys
from careroute.adapters.dynamodb.community_items import community_items
from careroute.adapters.dynamodb.tables import TableModel, write_all
from careroute.service_layer.ports.circle_rows import CommunityCircle

PK = "circle-rows"


class CircleRowModel(TableModel, SharedKeys):
    district_id = UnicodeAttribute()
    as_of = UnicodeAttribute()
    elders = NumberAttribute()
    within = NumberAttribute()
    outside = ListAttribute(of=UnicodeAttribute, default=list)


def _row(item: CircleRowModel) -> CommunityCircle:
    return CommunityCircle(
        item.sk,
        item.district_id,
        date.fromisoformat(item.as_of),
        int(item.elders),
        int(item.within),
        tuple(str(elder_id) for elder_id in item.outside or ()),
    )


class DynamoCircleRows:
    def save_rows(self, rows: Iterable[CommunityCircle]) -> int:
        items = (
            CircleRowModel(
                PK, row.community_id, district_id=row.district_id,
                as_of=row.as_of.isoformat(), elders=row.elders, within=row.within,
                outside=list(row.outside),
            )
            for row in rows
        )  # fmt: skip
        return write_all(CircleRowModel, items, "save the service circle's rows")

    def read_rows(self, community_ids: Iterable[str]) -> dict[str, CommunityCircle]:
        action = "read the service circle's rows"
        found = community_items(CircleRowModel, PK, community_ids, action)
        return {community_id: _row(item) for community_id, item in found.items()}
