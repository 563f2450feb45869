"""One data row being checked: typed accessors that record every bad value (and go on), and the
rule that no field may hold a national ID number.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import date
from enum import StrEnum
from typing import TypeVar

from careroute.adapters.registry_csv.columns import CRS_COLUMN
from careroute.adapters.registry_csv.errors import RowError
from careroute.domain.geo import Crs, to_wgs84
from careroute.domain.registry_rules import ID_NUMBER_REASON, looks_like_id_number
from careroute.domain.vocabulary import GeoPoint, TimeWindow, parse_clock

_INTEGER = re.compile(r"-?[0-9]+")

E = TypeVar("E", bound=StrEnum)


class Row:
    """One data row being checked. Accessors record an error for a bad value and return a
    placeholder (or None), so every problem of the row is found; `ok` says if any was."""

    __slots__ = ("errors", "file", "index", "line", "mark", "values")

    def __init__(
        self, file: str, line: int, values: list[str], index: dict[str, int], errors: list[RowError]
    ) -> None:
        self.file = file
        self.line = line
        self.values = values
        self.index = index
        self.errors = errors
        self.mark = len(errors)

    @property
    def ok(self) -> bool:
        """No error was recorded for this row."""
        return len(self.errors) == self.mark

    def error(self, field: str | None, reason: str) -> None:
        self.errors.append(RowError(self.file, self.line, field, reason))

    def get(self, field: str) -> str:
        """The raw text, stripped; '' when empty or when the (optional) column is absent."""
        position = self.index.get(field)
        return self.values[position].strip() if position is not None else ""

    def texts(self, *fields: str) -> list[str]:
        """`text` of each field, in order."""
        return [self.text(field) for field in fields]

    def text(self, field: str) -> str:
        value = self.get(field)
        if not value:
            self.error(field, "is empty (required)")
        return value

    def number(self, field: str, low: float, high: float) -> float:
        value = self.text(field)
        if not value:
            return math.nan
        try:
            number = float(value)
        except ValueError:
            self.error(field, f"{value!r} is not a number")
            return math.nan
        if not low <= number <= high:  # also rejects nan
            self.error(field, f"{value} is out of range {low:g}..{high:g}")
        return number

    def integer(self, field: str, low: int, high: int) -> int:
        value = self.text(field)
        if not value:
            return 0
        if not _INTEGER.fullmatch(value):
            self.error(field, f"{value!r} is not a whole number")
            return 0
        number = int(value)
        if not low <= number <= high:
            self.error(field, f"{value} is out of range {low}..{high}")
        return number

    def day(self, field: str, *, required: bool = True) -> date | None:
        value = self.text(field) if required else self.get(field)
        if not value:
            return None
        try:
            if len(value) != 10 or value[4] != "-" or value[7] != "-":
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.error(field, f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def window(
        self, start_field: str, end_field: str, *, required: bool = True
    ) -> TimeWindow | None:
        """A time window from two HH:MM columns; an optional one is given fully or not at all."""
        texts = (self.get(start_field), self.get(end_field))
        if not required and not any(texts):
            return None
        clocks: list[int] = []
        for field, text in zip((start_field, end_field), texts, strict=True):
            if not text:
                other = end_field if field == start_field else start_field
                self.error(
                    field, "is empty (required)" if required else f"is empty but {other} is not"
                )
                continue
            clock = _clock_or_none(text)
            if clock is None:
                self.error(field, f"{text!r} is not a time of day (HH:MM)")
            else:
                clocks.append(clock)
        if len(clocks) < 2:
            return None
        if clocks[0] > clocks[1]:
            self.error(start_field, f"{texts[0]}-{texts[1]} ends before it starts")
            return None
        return _time_window(clocks[0], clocks[1])

    def choice(self, field: str, kind: type[E], *, required: bool = True) -> E | None:
        value = self.text(field) if required else self.get(field)
        if not value:
            return None
        try:
            return kind(value)
        except ValueError:
            known = ", ".join(member.value for member in kind)
            self.error(field, f"unknown {field} {value!r}; known: {known}")
            return None

    def words(self, field: str) -> list[str]:
        """A ';'-separated list (e.g. skills), each part stripped, empty parts dropped."""
        return [part.strip() for part in self.get(field).split(";") if part.strip()]

    def weekdays(self, field: str) -> frozenset[int]:
        """A ';'-separated list of weekday numbers, 0 (Monday) to 6 (Sunday)."""
        days: set[int] = set()
        for part in self.words(field):
            if part in _WEEKDAYS:
                days.add(int(part))
            else:
                self.error(field, f"{part!r} is not a weekday number 0 (Monday)..6 (Sunday)")
        return frozenset(days)

    def location(self) -> GeoPoint | None:
        """`lat` and `lng` as WGS-84, converted from the row's `crs` (WGS-84 when empty)."""
        lat, lng = self.number("lat", -90.0, 90.0), self.number("lng", -180.0, 180.0)
        crs = self.choice(CRS_COLUMN, Crs, required=False) or Crs.WGS84
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0) or not self.ok:
            return None
        try:
            return to_wgs84(GeoPoint(lat, lng), crs)
        except ValueError:  # a BD-09 point at the very edge of the globe
            self.error("lat", f"{lat:g}, {lng:g} in {crs} is out of range as WGS-84")
            return None


_WEEKDAYS = frozenset(str(day) for day in range(7))


@functools.lru_cache(maxsize=4096)
def _clock_or_none(text: str) -> int | None:
    """parse_clock, remembered: a registry uses few distinct times of day."""
    try:
        return parse_clock(text)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _time_window(start: int, end: int) -> TimeWindow:
    return TimeWindow(start, end)


def check_unique(row: Row, field: str, seen: dict[str, int]) -> None:
    """The row's `field` must not repeat a value seen on an earlier row (value -> line)."""
    value = row.get(field)
    if not value:
        return
    if value in seen:
        row.error(field, f"duplicate {field} {value!r} (first on line {seen[value]})")
    else:
        seen[value] = row.line


def check_id_numbers(row: Row) -> None:
    """Reject any field holding an 18-digit ID number; the value is never echoed."""
    if not looks_like_id_number("\x1f".join(row.values)):
        return
    for field, position in row.index.items():
        if looks_like_id_number(row.values[position]):
            row.error(field, ID_NUMBER_REASON)
