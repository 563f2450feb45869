"""The month chart's stored series in memory, with the behaviour of the DynamoDB adapter
(`tests/contract/test_coverage_series_ports.py` checks both)."""

from __future__ import annotations

from collections.abc import Mapping

from careroute.domain.coverage import Scope
from careroute.service_layer.ports.coverage_series import StoredSeries


class MemorySeries:
    def __init__(self) -> None:
        self._stored: dict[tuple[str, Scope], StoredSeries] = {}

    def save_series(self, month: str, series: Mapping[Scope, StoredSeries]) -> int:
        for scope, stored in series.items():
            self._stored[(month, scope)] = stored
        return len(series)

    def read_series(self, month: str, scope: Scope) -> StoredSeries | None:
        return self._stored.get((month, scope))
