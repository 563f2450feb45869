"""The field mapper of the DynamoDB tables (`adapters/dynamodb/mapped.py`): each field's
columns follow from its type, a value reads back as it was written, and what is absent reads
back as the field's default. (The items the real tables store are held to recorded ones in
tests/contract/test_stored_items.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

import pytest
from pynamodb.attributes import UnicodeAttribute

from careroute.adapters.dynamodb.mapped import FieldColumns, MappedModel
from careroute.domain.vocabulary import GeoPoint, TimeWindow


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Place:
    label: str
    location: GeoPoint


@dataclass(frozen=True)
class Thing:
    thing_id: str
    colour: Colour
    made_on: date
    made_at: datetime
    amount: int
    location: GeoPoint
    window: TimeWindow
    tags: frozenset[str] = frozenset()
    steps: tuple[int, ...] = ()
    note: str = ""
    checked_on: date | None = None
    place: Place | None = None
    lunch: TimeWindow | None = None


THING_COLUMNS = FieldColumns(Thing, renamed={"lunch": "break"})


class ThingModel(MappedModel, stores=THING_COLUMNS):
    thing_id = UnicodeAttribute(hash_key=True)


PLAIN = Thing(
    "t1",
    Colour.RED,
    date(2026, 12, 1),
    datetime(2026, 12, 1, 8, 30, tzinfo=UTC),
    3,
    GeoPoint(41.8, 123.4),
    TimeWindow(3600, 7200),
)
FULL = Thing(
    "t2",
    Colour.BLUE,
    date(2026, 12, 2),
    datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
    0,
    GeoPoint(41.9, 123.5),
    TimeWindow(0, 86400),
    tags=frozenset({"b", "a"}),
    steps=(3, 1, 2),
    note="n",
    checked_on=date(2026, 12, 3),
    place=Place("ward 3", GeoPoint(41.7, 123.3)),
    lunch=TimeWindow(43200, 46800),
)


def test_each_field_is_stored_by_its_type_and_empty_or_absent_values_are_left_out() -> None:
    assert THING_COLUMNS.values(PLAIN) == {
        "thing_id": "t1",
        "colour": "red",
        "made_on": "2026-12-01",
        "made_at": "2026-12-01T08:30:00.000000+00:00",
        "amount": 3,
        "lat": 41.8,
        "lng": 123.4,
        "window_start": 3600,
        "window_end": 7200,
        "tags": None,
        "steps": None,
        "note": None,
        "checked_on": None,
        "place_label": None,
        "place_lat": None,
        "place_lng": None,
        "break_start": None,
        "break_end": None,
    }
    full = THING_COLUMNS.values(FULL)
    assert (full["tags"], full["steps"], full["amount"]) == (["a", "b"], [3, 1, 2], 0)
    assert (full["place_label"], full["place_lat"], full["break_start"]) == ("ward 3", 41.7, 43200)
    assert set(ThingModel.get_attributes()) == set(full)


@pytest.mark.parametrize("thing", [PLAIN, FULL], ids=["plain", "full"])
def test_a_value_reads_back_as_it_was_written(thing: Thing) -> None:
    assert THING_COLUMNS.read(ThingModel(**THING_COLUMNS.values(thing))) == thing


def test_an_absent_column_reads_back_as_the_default_and_a_required_one_is_named() -> None:
    without_note = ThingModel(**{**THING_COLUMNS.values(FULL), "note": None, "place_lat": None})
    read = THING_COLUMNS.read(without_note, amount=7)
    assert (read.note, read.place, read.amount) == ("", None, 7)
    with pytest.raises(ValueError, match="a stored Thing lacks its made_on"):
        THING_COLUMNS.read(ThingModel(**{**THING_COLUMNS.values(PLAIN), "made_on": None}))


def test_a_column_named_as_a_model_method_is_refused() -> None:
    @dataclass(frozen=True)
    class Clash:
        key: str
        delete: str

    with pytest.raises(TypeError, match="the column 'delete' hides the model's own"):

        class ClashModel(MappedModel, stores=FieldColumns(Clash)):
            key = UnicodeAttribute(hash_key=True)
