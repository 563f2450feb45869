"""The month chart's stored series in the coverage table: one item per month and scope
(`series#MONTH#SCOPE`), its days as compact JSON ([T1, T2, T3, ALL] from the month's first
day), rewritten by each nightly count, so GET /coverage/daily reads one item instead of
scanning the visits table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, timedelta

from pynamodb.attributes import UnicodeAttribute

from careroute.adapters.dynamodb.columns import SharedKeys
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, write_all
from careroute.domain.coverage import Scope
from careroute.domain.coverage_series import TIERS
from careroute.service_layer.ports.coverage_series import StoredSeries

SK = "daily"


class CoverageSeriesModel(TableModel, SharedKeys):
    through = UnicodeAttribute()
    days = UnicodeAttribute()


def _pk(month: str, scope: Scope) -> str:
    return f"series#{month}#{scope}"


def _item(month: str, scope: Scope, stored: StoredSeries) -> CoverageSeriesModel:
    days = [[day[tier] for tier in TIERS] for day in stored.days]
    return CoverageSeriesModel(
        _pk(month, scope), SK, through=stored.through.isoformat(),
        days=json.dumps(days, separators=(",", ":")),
    )  # fmt: skip


class DynamoSeries:
    def save_series(self, month: str, series: Mapping[Scope, StoredSeries]) -> int:
        items = (_item(month, scope, stored) for scope, stored in series.items())
        return write_all(CoverageSeriesModel, items, "save the month series")

    def read_series(self, month: str, scope: Scope) -> StoredSeries | None:
        with storage_errors("read the month series"):
            try:
                item = CoverageSeriesModel.get(_pk(month, scope), SK)
            except CoverageSeriesModel.DoesNotExist:
                return None
        first = date.fromisoformat(f"{month}-01")
        rows = json.loads(item.days)
        days = tuple(
            {"date": (first + timedelta(days=n)).isoformat(), **dict(zip(TIERS, row, strict=True))}
            for n, row in enumerate(rows)
        )
        return StoredSeries(date.fromisoformat(item.through), days)
