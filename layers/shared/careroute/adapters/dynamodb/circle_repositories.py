"""The 15-minute service circle's ports on DynamoDB: the service-facilities table (whose
module serves its port itself), the daily counts (`circle#SCOPE` items of the coverage
table) and rows (`circle_rows`), and the ports of each circle use case built from them, once
per container. The tables must be bound first (`bind_tables`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from careroute.adapters.cached import CachedFacilities
from careroute.adapters.dynamodb import circle_counts, scopes, service_facilities
from careroute.adapters.dynamodb.circle_rows import DynamoCircleRows
from careroute.adapters.dynamodb.repositories import DynamoElders
from careroute.domain.coverage import Scope
from careroute.service_layer.ports import CircleCount
from careroute.service_layer.service_circle import CircleCounting, CircleReading


class DynamoCircleCounts:
    def save_counts(self, counts: Mapping[Scope, tuple[int, int]], day: date) -> int:
        return circle_counts.save_counts(dict(counts), day)

    def read_count(self, scope: Scope) -> CircleCount | None:
        found = circle_counts.read_counts(scope)
        if found is None:
            return None
        elders, within, as_of = found
        return CircleCount(elders, within, as_of)


def circle_counting() -> CircleCounting:
    """The ports of the daily count, on DynamoDB (the facilities as stored now)."""
    return CircleCounting(
        facilities=service_facilities, counts=DynamoCircleCounts(), rows=DynamoCircleRows()
    )


def circle_reading() -> CircleReading:
    """The ports of officials' circle reads, on DynamoDB, with the facilities kept in the
    container for a few minutes."""
    return CircleReading(
        facilities=CachedFacilities(service_facilities),
        elders=DynamoElders(),
        scopes=scopes,
        counts=DynamoCircleCounts(),
        rows=DynamoCircleRows(),
    )
