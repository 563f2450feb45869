"""The port of the stored capacity forecast: each district's forecast of a month (its
communities and streets, with the default assumptions), made by the nightly count from the
registry it reads anyway, so an official's forecast of the city reads ~10 items instead of
every elder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from careroute.planning.capacity import CapacityForecast


@dataclass(frozen=True)
class DistrictForecast:
    """One district's forecast of `forecast.month`, made on `as_of`."""

    district_id: str
    as_of: date
    forecast: CapacityForecast


class CapacityView(Protocol):
    def save_forecasts(self, forecasts: Iterable[DistrictForecast]) -> int:
        """Replace each district's forecast of its month; the forecasts written."""
        ...

    def read_forecasts(self, month: date) -> dict[str, DistrictForecast]:
        """Every district's stored forecast of the month (first day), by district id."""
        ...
