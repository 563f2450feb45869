"""What every policy table's parser shares: the check it starts with (a TOML table, no key
it does not know) and the construction it ends with (the section's settings, whose own
check's error is prefixed with where the table is).

Each domain module parses its own `[section]` of the policy file (quota, eligibility,
inspections, tickets, urgent); sharing these parts means a typo'd key or a value out of
range is refused with the same message wherever it is. A section whose settings are
mostly plain values of their defaults' types is read whole by `settings_table`; a key whose
value is a table of whole numbers, or a list of names of an enumeration, by `integer_table`
and `enum_names`. A number's range is declared with its default (`setting`) and checked by
`check_ranges`, so a section's own check states only what spans settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

S = TypeVar("S")
D = TypeVar("D", bound="DataclassInstance")
N = TypeVar("N", int, float)

RANGE = "range"
"""The metadata key of a setting's `Range`."""


@dataclass(frozen=True)
class Range:
    """Where a number setting must lie: low <= value <= high, and above `above` (None: no
    bound on that side)."""

    low: float | None = None
    high: float | None = None
    above: float | None = None

    def holds(self, value: float) -> bool:
        return (
            (self.low is None or value >= self.low)
            and (self.above is None or value > self.above)
            and (self.high is None or value <= self.high)
        )

    def __str__(self) -> str:
        if self.above is None and None not in (self.low, self.high):
            return f"between {self.low} and {self.high}"
        lower = f"above {self.above}" if self.above is not None else f"at least {self.low}"
        upper = f"at most {self.high}"
        if self.high is None:
            return lower
        return upper if self.low is None and self.above is None else f"{lower} and {upper}"


def setting(
    default: N, low: float | None = None, high: float | None = None, *, above: float | None = None
) -> N:
    """A settings dataclass's number field: its default and its range (see `Range`), which
    the dataclass's `__post_init__` checks with `check_ranges`."""
    return field(default=default, metadata={RANGE: Range(low, high, above)})


def check_ranges(settings: DataclassInstance) -> None:
    """ValueError naming the first setting outside the range it was declared with."""
    for declared in fields(settings):
        bounds = declared.metadata.get(RANGE)
        if bounds is not None and not bounds.holds(getattr(settings, declared.name)):
            raise ValueError(f"{declared.name} must be {bounds}")


def known_table(table: Any, keys: Iterable[str], where: str) -> dict[str, Any]:
    """`table` if it is a table whose keys are all among `keys`; else ValueError naming
    `where` (and the unknown keys)."""
    if not isinstance(table, dict):
        raise ValueError(f"{where}: expected a table")
    unknown = set(table) - set(keys)
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    return table


def checked(settings: Callable[..., S], values: dict[str, Any], where: str) -> S:
    """`settings(**values)`; the ValueError of its own check (`__post_init__`) re-raised
    naming `where`."""
    try:
        return settings(**values)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc


Parser = Callable[[Any, str], Any]
"""Reads one key's value, given where it is (`[section].key`, for its ValueError)."""


def settings_table(default: D, table: Any, where: str, parsers: Mapping[str, Parser]) -> D:
    """The section's settings from its optional table, over `default` (a settings dataclass):
    a key is one of its fields; its value is read by `parsers[key]` where there is one, else
    must be of the type of the default's value (an integer serves for a decimal; true and
    false are no numbers, and only they serve for a yes-or-no). ValueError naming the key at
    fault, or the section's own check's."""
    table = known_table(table, [f.name for f in fields(default)], where)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in parsers:
            values[key] = parsers[key](value, f"{where}.{key}")
            continue
        expected = type(getattr(default, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if expected is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{where}.{key}: expected true or false, got {value!r}")
        elif not isinstance(value, expected) or isinstance(value, bool):
            raise ValueError(f"{where}.{key}: expected {expected.__name__}, got {value!r}")
        values[key] = value
    return checked(type(default), values, where)


def plain_settings(kind: type[D]) -> Callable[[Any, str], D]:
    """The parser of a section whose every key is a plain value of its default's type (read
    whole by `settings_table`, no key with a parser of its own), e.g. `[meals]`'s."""

    def parse(table: Any, where: str) -> D:
        return settings_table(kind(), table, where, {})

    return parse


E = TypeVar("E", bound=StrEnum)


def integer_table(raw: Any, where: str) -> dict[str, int]:
    """`raw` if it is a table of name = whole number (true and false are no numbers); else
    ValueError naming `where` and the name at fault."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table of name = whole number")
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where}.{name}: expected a whole number, got {value!r}")
    return dict(raw)


def integer_items(raw: Any, where: str) -> tuple[tuple[str, int], ...]:
    """`integer_table`'s names and numbers, in the order given."""
    return tuple(integer_table(raw, where).items())


def enum_set(kind: type[E]) -> Parser:
    """A parser of a list of names of `kind`'s members (see `enum_names`), as a set."""

    def parse(raw: Any, where: str) -> frozenset[E]:
        return frozenset(enum_names(raw, kind, where))

    return parse


def enum_names(raw: Any, kind: type[E], where: str) -> tuple[E, ...]:
    """`raw`, a list of names of `kind`'s members, as those members in the order given;
    ValueError naming `where`, the unknown names and the known ones otherwise."""
    known = [member.value for member in kind]
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ValueError(f"{where}: expected a list of names among {known}")
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValueError(f"{where}: unknown {unknown}; known: {known}")
    return tuple(kind(v) for v in raw)
