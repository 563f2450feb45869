"""The port of the month chart's stored series: each scope's elders visited per tier, day
by day, as the nightly count recounted them from the visit records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from careroute.domain.coverage import Scope


@dataclass(frozen=True)
class StoredSeries:
    """A month's cumulative counts from its first day through `through`, one dict per day
    ({"date", "T1", "T2", "T3", "ALL"}, as careroute.domain.coverage_series makes them)."""

    through: date
    days: tuple[dict[str, object], ...]


class SeriesStore(Protocol):
    def save_series(self, month: str, series: Mapping[Scope, StoredSeries]) -> int:
        """Replace each scope's series of the month; the scopes written."""
        ...

    def read_series(self, month: str, scope: Scope) -> StoredSeries | None:
        """The scope's series of the month; None before the first count of it."""
        ...
