"""Table models whose columns are a domain dataclass's fields, declared and mapped once.

A model names what it stores (`class TicketModel(MappedModel, stores=TICKET_COLUMNS)`,
`TICKET_COLUMNS = FieldColumns(Ticket)`) and declares only its keys and indexes, then the
columns that are not a field (a sparse index's flag, a request's fingerprint) or that it
stores its own way (`left_out`); each other field gets its column, and
`FieldColumns` builds an item's values from a domain value and reads the value back. How a
field is stored follows from its type, the same in every table:

- text as it is; a StrEnum by its value; a number as a number; a date as ISO text; a moment
  as `instant_text` (UTC, fixed width, so the strings compare as the moments do);
- a set as its sorted list, a tuple as its list;
- a GeoPoint as `lat`, `lng`; another dataclass (a TimeWindow, a Stay) as a column per field
  behind the field's name: `window_start`, `window_end`, `stay_place`, `stay_lat`, `stay_lng`;
- None is left out, and so is the empty text or set of a field whose default is empty; an
  absent column reads back as the field's default.

The columns are all nullable: the dataclass already makes sure a required field has a value,
and a table that keeps another kind of item beside the value's (an incident's per-elder
slot) has items without them.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Union, cast, get_args, get_origin
from typing import get_type_hints as type_hints

from pynamodb.attributes import Attribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import MetaModel

from careroute.adapters.dynamodb.moments import instant_text
from careroute.adapters.dynamodb.tables import TableModel
from careroute.domain.vocabulary import GeoPoint

D = TypeVar("D")


@dataclasses.dataclass(frozen=True)
class _Scalar:
    """A value stored in one column."""

    column: str
    attribute: type[Attribute[Any]]
    to_column: Callable[[Any], Any]
    from_column: Callable[[Any], Any]

    def columns(self) -> dict[str, Attribute[Any]]:
        return {self.column: self.attribute(null=True)}

    def write(self, value: Any, into: dict[str, Any]) -> None:
        into[self.column] = None if value is None else self.to_column(value)

    def read(self, item: Any) -> Any:
        stored = getattr(item, self.column)
        return None if stored is None else self.from_column(stored)


@dataclasses.dataclass(frozen=True)
class _Many:
    """A set (stored as its sorted list) or a tuple (as its list) of scalars, in one column."""

    column: str
    element: _Scalar
    kind: type

    def columns(self) -> dict[str, Attribute[Any]]:
        return {self.column: ListAttribute(of=self.element.attribute, null=True)}

    def write(self, value: Any, into: dict[str, Any]) -> None:
        if value is None:
            into[self.column] = None
            return
        stored = [self.element.to_column(v) for v in value]
        into[self.column] = sorted(stored) if self.kind is frozenset else stored

    def read(self, item: Any) -> Any:
        stored = getattr(item, self.column)
        return None if stored is None else self.kind(map(self.element.from_column, stored))


@dataclasses.dataclass(frozen=True)
class _Nested:
    """A dataclass value stored as a column per field (None when any of them is absent)."""

    kind: type
    parts: dict[str, _Scalar | _Many | _Nested]

    def columns(self) -> dict[str, Attribute[Any]]:
        return {name: a for part in self.parts.values() for name, a in part.columns().items()}

    def write(self, value: Any, into: dict[str, Any]) -> None:
        for name, part in self.parts.items():
            part.write(None if value is None else getattr(value, name), into)

    def read(self, item: Any) -> Any:
        values = {}
        for name, part in self.parts.items():
            values[name] = part.read(item)
            if values[name] is None:
                return None
        return self.kind(**values)


def _scalar(column: str, kind: type) -> _Scalar:
    def same(value: Any) -> Any:
        return value

    if kind is datetime:
        return _Scalar(column, UnicodeAttribute, instant_text, datetime.fromisoformat)
    if kind is date:
        return _Scalar(column, UnicodeAttribute, date.isoformat, date.fromisoformat)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return _Scalar(column, UnicodeAttribute, lambda member: member.value, kind)
    if kind is str:
        return _Scalar(column, UnicodeAttribute, same, same)
    if kind in (int, float):
        return _Scalar(column, NumberAttribute, same, kind)
    raise TypeError(f"no column type for {kind!r} ({column})")


def _stored(prefix: str, name: str, kind: Any) -> _Scalar | _Many | _Nested:
    """How a value of type `kind` named `name` is stored, its columns behind `prefix`."""
    column = prefix + name
    if get_origin(kind) in (frozenset, tuple):
        return _Many(column, _scalar(column, get_args(kind)[0]), get_origin(kind))
    if dataclasses.is_dataclass(kind):
        inner = prefix if kind is GeoPoint else f"{column}_"
        hints = type_hints(kind)
        parts = {f.name: _stored(inner, f.name, hints[f.name]) for f in dataclasses.fields(kind)}
        return _Nested(cast(type, kind), parts)
    return _scalar(column, kind)


def _without_none(kind: Any) -> tuple[Any, bool]:
    """The type inside `X | None`, and whether None was allowed."""
    if get_origin(kind) in (Union, types.UnionType):
        others = [arg for arg in get_args(kind) if arg is not type(None)]
        return others[0], len(others) < len(get_args(kind))
    return kind, False


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    stored: _Scalar | _Many | _Nested
    optional: bool
    default: Any
    """The field's default (dataclasses.MISSING for none), or its default factory's value."""
    empty_left_out: bool
    """Is an empty value left out (the field's default is empty text or an empty set)?"""


class FieldColumns(Generic[D]):
    """The columns of the dataclass `stores`, each field's by its type (see the module);
    `left_out`: fields the model stores its own way (declared on it, written and read by
    its module); `renamed`: a field stored under another name."""

    def __init__(
        self,
        stores: type[D],
        left_out: Collection[str] = (),
        renamed: Mapping[str, str] | None = None,
    ) -> None:
        self.stores = stores
        hints = type_hints(stores)
        self.fields: list[_Field] = []
        for f in dataclasses.fields(cast(Any, stores)):
            if f.name in left_out:
                continue
            kind, optional = _without_none(hints[f.name])
            default = (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            )
            stored = _stored("", (renamed or {}).get(f.name, f.name), kind)
            empty_left_out = default in ("", frozenset(), ())
            self.fields.append(_Field(f.name, stored, optional, default, empty_left_out))

    def attributes(self) -> dict[str, Attribute[Any]]:
        """Every field's pynamodb attributes, by column name."""
        return {name: a for f in self.fields for name, a in f.stored.columns().items()}

    def values(self, value: D) -> dict[str, Any]:
        """The columns of `value`, to build its item with (None: left out of the item)."""
        written: dict[str, Any] = {}
        for f in self.fields:
            field_value = getattr(value, f.name)
            if f.empty_left_out and not field_value:
                field_value = None
            f.stored.write(field_value, written)
        return written

    def read(self, item: Any, **given: Any) -> D:
        """The value `item` stores; `given`: the fields read by the caller (those left out,
        or read another way)."""
        values = dict(given)
        for f in self.fields:
            if f.name in given:
                continue
            value = f.stored.read(item)
            if value is None and not f.optional:
                if f.default is dataclasses.MISSING:
                    raise ValueError(f"a stored {self.stores.__name__} lacks its {f.name}")
                value = f.default
            values[f.name] = value
        return self.stores(**values)


class _MappedMeta(MetaModel):
    """Adds the columns of `stores` to the class body, but for those the class declares
    itself (its keys) or inherits; a column named as a model's method is refused."""

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        stores: FieldColumns[Any] | None = None,
        **kwargs: Any,
    ) -> _MappedMeta:
        if stores is not None:
            for column, attribute in stores.attributes().items():
                inherited = [getattr(b, column) for b in bases if hasattr(b, column)]
                if any(not isinstance(member, Attribute) for member in inherited):
                    raise TypeError(f"{name}: the column {column!r} hides the model's own")
                if column not in namespace and not inherited:
                    namespace[column] = attribute
        created: _MappedMeta = super().__new__(mcs, name, bases, namespace, **kwargs)
        return created

    def __init__(cls, *args: Any, stores: FieldColumns[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # `stores` was taken by __new__

    if TYPE_CHECKING:  # the columns added from the dataclass, as the type checker sees them

        def __getattr__(cls, name: str) -> Attribute[Any]: ...


class MappedModel(TableModel, metaclass=_MappedMeta):
    """A table model whose columns are those of a dataclass (`stores=`), plus its own."""

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...
