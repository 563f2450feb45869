"""The stored capacity forecast in memory, with the behaviour of the DynamoDB adapter
(`tests/contract/test_capacity_view_ports.py` checks both)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from careroute.service_layer.ports.capacity_view import DistrictForecast


class MemoryCapacityView:
    def __init__(self) -> None:
        self._by_month: dict[date, dict[str, DistrictForecast]] = {}

    def save_forecasts(self, forecasts: Iterable[DistrictForecast]) -> int:
        written = 0
        for stored in forecasts:
            month = self._by_month.setdefault(stored.forecast.month, {})
            month[stored.district_id] = stored
            written += 1
        return written

    def read_forecasts(self, month: date) -> dict[str, DistrictForecast]:
        return dict(self._by_month.get(month, {}))
