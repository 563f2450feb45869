"""The stored capacity forecast in the coverage table: one item per month and district
(`capacity#YYYY-MM`, district id) holding its community and street rows as JSON, replaced
by each nightly count, so the city's forecast of a month is one query of ~10 items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute

from careroute.adapters.dynamodb.columns import SharedKeys
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, write_all
from careroute.planning.capacity import (
    Assumptions,
    CapacityForecast,
    CommunityForecast,
    Help,
    StreetForecast,
)
from careroute.service_layer.ports.capacity_view import DistrictForecast


class CapacityViewModel(TableModel, SharedKeys):
    as_of = UnicodeAttribute()
    assumptions = JSONAttribute()
    communities = JSONAttribute()
    streets = JSONAttribute()


def _pk(month: date) -> str:
    return f"capacity#{month:%Y-%m}"


def _community(row: dict[str, Any]) -> CommunityForecast:
    helpers = tuple(Help(**h) for h in row["help"])
    return CommunityForecast(**{**row, "help": helpers})


def _street(row: dict[str, Any]) -> StreetForecast:
    return StreetForecast(**{**row, "short_communities": tuple(row["short_communities"])})


def _stored(item: CapacityViewModel) -> DistrictForecast:
    month = date.fromisoformat(item.pk.removeprefix("capacity#") + "-01")
    forecast = CapacityForecast(
        month,
        Assumptions(**item.assumptions),
        tuple(_community(row) for row in item.communities),
        tuple(_street(row) for row in item.streets),
    )
    return DistrictForecast(item.sk, date.fromisoformat(item.as_of), forecast)


def _item(stored: DistrictForecast) -> CapacityViewModel:
    f = stored.forecast
    return CapacityViewModel(
        _pk(f.month), stored.district_id, as_of=stored.as_of.isoformat(),
        assumptions=asdict(f.assumptions),
        communities=[asdict(c) for c in f.communities],
        streets=[asdict(s) for s in f.streets],
    )  # fmt: skip


class DynamoCapacityView:
    def save_forecasts(self, forecasts: Iterable[DistrictForecast]) -> int:
        items = (_item(stored) for stored in forecasts)
        return write_all(CapacityViewModel, items, "save the capacity forecast")

    def read_forecasts(self, month: date) -> dict[str, DistrictForecast]:
        with storage_errors("read the capacity forecast"):
            items = list(CapacityViewModel.query(_pk(month)))
        return {item.sk: _stored(item) for item in items}
