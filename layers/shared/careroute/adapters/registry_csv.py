"""Registry import and export as three CSV files: communities, stewards and elders.

`write_registry` writes `communities.csv`, `stewards.csv` and `elders.csv` (UTF-8, header row);
`read_registry` reads them back, all or nothing: every bad row in every file is collected and
reported at once in a `RegistryImportError`, and nothing is returned unless all rows are good.
The format and every validation rule are described in docs/data-format.md.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from careroute.domain import clock
from careroute.domain.policy import Policy, load_policy
from careroute.domain.vocabulary import (
    Category,
    Community,
    Elder,
    ElderStatus,
    GeoPoint,
    Registry,
    Steward,
    Tier,
    TimeWindow,
    TravelMode,
    parse_clock,
)

COMMUNITIES_FILE = "communities.csv"
STEWARDS_FILE = "stewards.csv"
ELDERS_FILE = "elders.csv"

COMMUNITY_COLUMNS = (
    "community_id", "name", "street_id", "street_name", "district_id", "district_name",
    "lat", "lng", "radius_m",
)  # fmt: skip
STEWARD_COLUMNS = (
    "steward_id", "community_id", "name", "shift_start", "shift_end", "break_start", "break_end",
    "mode", "max_visits_per_day", "days_off",
)  # fmt: skip
ELDER_COLUMNS = (
    "elder_id", "community_id", "street_id", "district_id", "name", "address", "lat", "lng",
    "categories", "birth_date", "tier", "window_start", "window_end", "status",
    "last_visited_on", "urgent_until",
)  # fmt: skip
OPTIONAL_COLUMNS = {ELDERS_FILE: frozenset({"tier"})}
"""Columns a file may leave out altogether (every other listed column must be present)."""

MIN_AGE = 60
MAX_AGE = 120
MAX_RADIUS_M = 20_000
MAX_ERRORS_SHOWN = 50

_ID_NUMBER = re.compile(r"(?<!\d)\d(?:[ \t-]?\d){16}[ \t-]?[\dXxＸｘ](?!\d)")
"""The shape of a Chinese resident ID number: 18 digits (the last may be X), written as one
run or grouped by single spaces or hyphens (e.g. 6-8-4)."""
_INTEGER = re.compile(r"-?[0-9]+")
ID_NUMBER_REASON = "looks like a national ID number; store no ID numbers"

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class RowError:
    """One problem in an import: the file, its line (header = 1), the field and why."""

    file: str
    line: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.reason}"


class RegistryImportError(ValueError):
    """The registry was not imported; `errors` lists every bad row found in all three files."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = list(errors)
        shown = [f"  {error}" for error in self.errors[:MAX_ERRORS_SHOWN]]
        if len(self.errors) > MAX_ERRORS_SHOWN:
            shown.append(f"  ... and {len(self.errors) - MAX_ERRORS_SHOWN} more")
        heading = f"registry not imported: {len(self.errors)} error(s)"
        super().__init__("\n".join([heading, *shown]))


# --------------------------------------------------------------------------------------------
# Writing


def write_registry(
    directory: Path,
    registry: Registry,
    as_of: date | None = None,
    *,
    policy: Policy | None = None,
) -> dict[str, int]:
    """Write the three CSV files into `directory`; returns the data rows written per file.

    The elders' `tier` column is derived by `policy` (default: the built-in one) on `as_of`
    (default: today in China). Each file is written to a temporary name and then renamed.
    """
    as_of = as_of or _today()
    policy = policy or load_policy()
    directory.mkdir(parents=True, exist_ok=True)
    community_rows = (
        [
            c.community_id, c.name, c.street_id, c.street_name, c.district_id, c.district_name,
            repr(c.location.lat), repr(c.location.lng), str(c.radius_m),
        ]
        for c in registry.communities
    )  # fmt: skip
    steward_rows = (
        [
            s.steward_id, s.community_id, s.name, _clock(s.shift.start), _clock(s.shift.end),
            _clock(s.lunch_break.start) if s.lunch_break else "",
            _clock(s.lunch_break.end) if s.lunch_break else "",
            s.mode.value, str(s.max_visits_per_day), ";".join(map(str, sorted(s.days_off))),
        ]
        for s in registry.stewards
    )  # fmt: skip
    elder_rows = (
        [
            e.elder_id, e.community_id, e.street_id, e.district_id, e.name, e.address,
            repr(e.location.lat), repr(e.location.lng),
            ";".join(sorted(c.value for c in e.categories)), e.birth_date.isoformat(),
            policy.tier_of(e, as_of).value, _clock(e.window.start), _clock(e.window.end),
            e.status.value, _iso(e.last_visited_on), _iso(e.urgent_until),
        ]
        for e in registry.elders
    )  # fmt: skip
    return {
        COMMUNITIES_FILE: _write_csv(
            directory / COMMUNITIES_FILE, COMMUNITY_COLUMNS, community_rows
        ),
        STEWARDS_FILE: _write_csv(directory / STEWARDS_FILE, STEWARD_COLUMNS, steward_rows),
        ELDERS_FILE: _write_csv(directory / ELDERS_FILE, ELDER_COLUMNS, elder_rows),
    }


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterator[list[str]]) -> int:
    temporary = path.with_name(path.name + ".tmp")
    count = 0
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    temporary.replace(path)
    return count


def _clock(seconds: int) -> str:
    """'HH:MM', or 'HH:MM:SS' when the time is not on a whole minute."""
    text = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return text if seconds % 60 == 0 else f"{text}:{seconds % 60:02d}"


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _today() -> date:
    return clock.today()


# --------------------------------------------------------------------------------------------
# Reading


def read_registry(directory: Path, *, as_of: date | None = None) -> Registry:
    """Read and check the three CSV files in `directory`; all rows or nothing.

    Ages and dates are checked as of `as_of` (default: today in China). Raises
    `RegistryImportError` listing every bad row of every file.
    """
    with _paused_gc():
        return _read_registry(directory, as_of or _today())


@contextlib.contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building ~10^5 objects that form no cycles;
    its repeated full scans of the growing heap would double the time of a big import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_registry(directory: Path, as_of: date) -> Registry:
    errors: list[RowError] = []
    community_table = _Table.load(directory, COMMUNITIES_FILE, COMMUNITY_COLUMNS, errors)
    steward_table = _Table.load(directory, STEWARDS_FILE, STEWARD_COLUMNS, errors)
    elder_table = _Table.load(directory, ELDERS_FILE, ELDER_COLUMNS, errors)

    # Ids seen on any row, good or bad: references to a bad row are not reported twice.
    # None when communities.csv cannot be read at all: references are then not checked.
    community_ids: set[str] | None = None
    communities: dict[str, Community] = {}
    community_lines: dict[str, int] = {}
    if community_table is not None:
        community_ids = set()
        seen: dict[str, int] = {}  # id -> line of its first row
        first_seen: dict[str, tuple[str, int]] = {}  # street and district facts
        for row in community_table.rows(errors):
            community = _community(row, seen)
            community_ids.add(row.get("community_id"))
            if community is not None:
                _check_place(row, community, first_seen)
                communities[community.community_id] = community
                community_lines[community.community_id] = row.line

    stewards: dict[str, Steward] = {}
    if steward_table is not None:
        steward_of: dict[str, tuple[str, int]] = {}  # community id -> (steward id, line)
        seen = {}
        for row in steward_table.rows(errors):
            _check_steward_community(row, community_ids, steward_of)
            steward = _steward(row, seen)
            if steward is not None:
                stewards[steward.steward_id] = steward
        for community_id, line in community_lines.items():
            if community_id not in steward_of:
                reason = f"community {community_id} has no steward in {STEWARDS_FILE}"
                errors.append(RowError(COMMUNITIES_FILE, line, "community_id", reason))

    elders: dict[str, Elder] = {}
    if elder_table is not None:
        seen = {}
        for row in elder_table.rows(errors):
            _check_elder_place(row, community_ids, communities)
            elder = _elder(row, as_of, seen)
            if elder is not None:
                elders[elder.elder_id] = elder

    if errors:
        errors.sort(key=lambda e: (_FILE_ORDER[e.file], e.line or 0))
        raise RegistryImportError(errors)
    return Registry(tuple(communities.values()), tuple(stewards.values()), tuple(elders.values()))


_FILE_ORDER = {COMMUNITIES_FILE: 0, STEWARDS_FILE: 1, ELDERS_FILE: 2}


class _Row:
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

    def location(self) -> GeoPoint | None:
        lat, lng = self.number("lat", -90.0, 90.0), self.number("lng", -180.0, 180.0)
        if -90.0 <= lat <= 90.0 and -180.0 <= lng <= 180.0:
            return GeoPoint(lat, lng)
        return None


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


class _Table:
    """One CSV file read into memory: its header mapped to positions, and its data rows."""

    def __init__(self, file: str, index: dict[str, int], rows: list[tuple[int, list[str]]]) -> None:
        self.file = file
        self.index = index
        self.data = rows

    @classmethod
    def load(
        cls, directory: Path, file: str, columns: tuple[str, ...], errors: list[RowError]
    ) -> _Table | None:
        """Read the file; None (with the errors recorded) when it is missing or unusable."""
        path = directory / file
        if not path.is_file():
            errors.append(RowError(file, None, None, f"file is missing from {directory}"))
            return None
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            try:
                for values in reader:
                    if header is None:
                        header = [name.strip() for name in values]
                    elif any(values):  # blank lines are skipped
                        rows.append((reader.line_num, values))
            except UnicodeDecodeError:
                reason = "is not UTF-8 text (save the file as UTF-8)"
                errors.append(RowError(file, reader.line_num + 1, None, reason))
                return None
            except csv.Error as exc:
                errors.append(RowError(file, reader.line_num, None, f"is not valid CSV: {exc}"))
                return None
        if not header or not any(header):
            errors.append(RowError(file, 1, None, "file is empty (no header row)"))
            return None
        usable = True
        optional = OPTIONAL_COLUMNS.get(file, frozenset())
        for name in columns:
            if name not in header and name not in optional:
                errors.append(RowError(file, 1, name, "missing column"))
                usable = False
        for position, name in enumerate(header):
            if name not in columns:
                expected = ", ".join(columns)
                label = name or f"#{position + 1}"
                errors.append(RowError(file, 1, label, f"unknown column; expected {expected}"))
            elif header.index(name) != position:
                errors.append(RowError(file, 1, name, "column appears twice"))
                usable = False
        if not usable:
            return None
        return cls(file, {name: i for i, name in enumerate(header)}, rows)

    def rows(self, errors: list[RowError]) -> Iterator[_Row]:
        """Rows with as many fields as the header (others are reported and skipped)."""
        width = len(self.index)
        for line, values in self.data:
            row = _Row(self.file, line, values, self.index, errors)
            if len(values) != width:
                row.error(None, f"has {len(values)} fields but the header has {width}")
                continue
            _check_id_numbers(row)
            yield row


def _check_id_numbers(row: _Row) -> None:
    """Reject any field holding an 18-digit ID number; the value is never echoed."""
    if not _ID_NUMBER.search("\x1f".join(row.values)):
        return
    for field, position in row.index.items():
        if _ID_NUMBER.search(row.values[position]):
            row.error(field, ID_NUMBER_REASON)


def _check_unique(row: _Row, field: str, seen: dict[str, int]) -> None:
    value = row.get(field)
    if not value:
        return
    if value in seen:
        row.error(field, f"duplicate {field} {value!r} (first on line {seen[value]})")
    else:
        seen[value] = row.line


def _community(row: _Row, seen: dict[str, int]) -> Community | None:
    community_id = row.text("community_id")
    name = row.text("name")
    street_id = row.text("street_id")
    street_name = row.text("street_name")
    district_id = row.text("district_id")
    district_name = row.text("district_name")
    location = row.location()
    radius_m = row.integer("radius_m", 1, MAX_RADIUS_M)
    _check_unique(row, "community_id", seen)
    if not row.ok or location is None:
        return None
    return Community(
        community_id, name, street_id, street_name, district_id, district_name, location, radius_m
    )


def _check_place(row: _Row, community: Community, first_seen: dict[str, tuple[str, int]]) -> None:
    """A street keeps one name and one district, and a district one name, on every row."""
    for field, key, value in (
        ("street_name", f"street {community.street_id} is named", community.street_name),
        ("district_id", f"street {community.street_id} is in", community.district_id),
        ("district_name", f"district {community.district_id} is named", community.district_name),
    ):
        first, line = first_seen.setdefault(key, (value, row.line))
        if value != first:
            row.error(field, f"{key} {first} on line {line}, not {value}")


def _check_steward_community(
    row: _Row, community_ids: set[str] | None, steward_of: dict[str, tuple[str, int]]
) -> None:
    """The steward's community must exist and have no other steward."""
    community_id = row.get("community_id")
    if community_ids is None or not community_id:
        return
    if community_id not in community_ids:
        row.error("community_id", f"unknown community {community_id!r}")
    elif community_id in steward_of:
        other, line = steward_of[community_id]
        reason = f"community {community_id} already has steward {other} (line {line})"
        row.error("community_id", reason + "; one steward per community")
    else:
        steward_of[community_id] = (row.get("steward_id"), row.line)


def _steward(row: _Row, seen: dict[str, int]) -> Steward | None:
    steward_id = row.text("steward_id")
    community_id = row.text("community_id")
    name = row.text("name")
    shift = row.window("shift_start", "shift_end")
    lunch = row.window("break_start", "break_end", required=False)
    if shift is not None and lunch is not None and shift.intersect(lunch) != lunch:
        row.error("break_start", f"break {lunch} is not inside the shift {shift}")
    mode = row.choice("mode", TravelMode)
    max_visits = row.integer("max_visits_per_day", 1, 200)
    days_off = _days_off(row)
    _check_unique(row, "steward_id", seen)
    if not row.ok or shift is None or mode is None:
        return None
    return Steward(steward_id, community_id, name, shift, lunch, mode, max_visits, days_off)


def _days_off(row: _Row) -> frozenset[int]:
    days: set[int] = set()
    for part in row.get("days_off").split(";"):
        part = part.strip()
        if part in _WEEKDAYS:
            days.add(int(part))
        elif part:
            row.error("days_off", f"{part!r} is not a weekday number 0 (Monday)..6 (Sunday)")
    return frozenset(days)


_WEEKDAYS = frozenset(str(day) for day in range(7))


def _categories(row: _Row) -> frozenset[Category]:
    parts = [part.strip() for part in row.get("categories").split(";") if part.strip()]
    found: set[Category] = set()
    for part in parts:
        if part in _CATEGORIES:
            found.add(_CATEGORIES[part])
        else:
            known = ", ".join(_CATEGORIES)
            row.error("categories", f"unknown category {part!r}; known: {known}")
    if not parts:
        row.error("categories", "is empty (required): every elder has at least one category")
    categories = frozenset(found)
    return _CATEGORY_SETS.setdefault(categories, categories)  # share the (at most 128) sets


_CATEGORIES = {c.value: c for c in Category}
_CATEGORY_SETS: dict[frozenset[Category], frozenset[Category]] = {}


def _birth_date(row: _Row, as_of: date) -> date | None:
    """The birth date of an elder aged MIN_AGE..MAX_AGE on `as_of`."""
    born = row.day("birth_date")
    if born is None:
        return None
    if born > as_of:
        row.error("birth_date", f"{born.isoformat()} is in the future")
        return None
    age = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
    if not MIN_AGE <= age <= MAX_AGE:
        limit = f"under {MIN_AGE}" if age < MIN_AGE else f"over {MAX_AGE}"
        row.error("birth_date", f"age {age} on {as_of.isoformat()} is {limit}")
    return born


def _elder(row: _Row, as_of: date, seen: dict[str, int]) -> Elder | None:
    elder_id = row.text("elder_id")
    community_id = row.text("community_id")
    street_id = row.text("street_id")
    district_id = row.text("district_id")
    name = row.text("name")
    address = row.text("address")
    location = row.location()
    categories = _categories(row)
    born = _birth_date(row, as_of)
    row.choice("tier", Tier, required=False)  # informational only: the policy recomputes it
    window = row.window("window_start", "window_end")
    status = row.choice("status", ElderStatus)
    last_visit = row.day("last_visited_on", required=False)
    if last_visit is not None and last_visit > as_of:
        row.error("last_visited_on", f"{last_visit.isoformat()} is after {as_of.isoformat()}")
    urgent_until = row.day("urgent_until", required=False)
    _check_unique(row, "elder_id", seen)
    if not row.ok or location is None or born is None or window is None or status is None:
        return None
    return Elder(
        elder_id=elder_id,
        community_id=community_id,
        street_id=street_id,
        district_id=district_id,
        location=location,
        categories=categories,
        birth_date=born,
        window=window,
        name=name,
        address=address,
        status=status,
        last_visited_on=last_visit,
        urgent_until=urgent_until,
    )


def _check_elder_place(
    row: _Row, community_ids: set[str] | None, communities: dict[str, Community]
) -> None:
    """The elder's community must exist, and its street and district must be the community's."""
    community_id = row.get("community_id")
    if community_ids is None or not community_id:
        return
    if community_id not in community_ids:
        row.error("community_id", f"unknown community {community_id!r}")
        return
    community = communities.get(community_id)
    if community is None:
        return  # the community's own row is bad and reported there
    for field, expected in (
        ("street_id", community.street_id),
        ("district_id", community.district_id),
    ):
        value = row.get(field)
        if value and value != expected:
            row.error(field, f"{value!r} does not match community {community_id} ({expected})")
