"""The data set files' plain columns, written by name (`data_csv/cells.py`): each cell as the
hand-written writers gave it, so exports keep their bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from careroute.adapters.data_csv.cells import cell_text, written
from careroute.adapters.registry_csv.writing import Located
from careroute.domain.geo import Crs
from careroute.domain.vocabulary import GeoPoint, Outcome, TimeWindow


@dataclass(frozen=True)
class Item:
    item_id: str
    location: GeoPoint
    outcome: Outcome
    minutes: int
    on: date
    at: datetime
    skills: frozenset[str]
    window: TimeWindow | None
    closed_on: date | None = None


def test_each_value_is_written_as_its_type_says() -> None:
    china = timezone(timedelta(hours=8))
    assert cell_text(None) == ""
    assert cell_text(Outcome.NOT_HOME) == "not_home"
    assert cell_text(date(2026, 12, 6)) == "2026-12-06"
    assert cell_text(datetime(2026, 12, 6, 8, 30, tzinfo=china)) == "2026-12-06T08:30:00+08:00"
    assert cell_text(frozenset({"nursing", "bathing"})) == "bathing;nursing"
    assert cell_text(480) == "480"


def test_a_row_takes_the_location_and_window_of_their_two_columns_each() -> None:
    item = Item(
        item_id="I-1",
        location=GeoPoint(41.8, 123.4),
        outcome=Outcome.VISITED,
        minutes=30,
        on=date(2026, 12, 6),
        at=datetime(2026, 12, 6, 9, 0, tzinfo=UTC),
        skills=frozenset(),
        window=TimeWindow.parse("09:00", "11:30"),
    )
    columns = ("item_id", "lat", "lng", "outcome", "minutes", "on", "at", "skills")
    columns += ("window_start", "window_end", "closed_on")

    cells = written(item, columns, Located(Crs.WGS84))

    assert cells == [
        "I-1", "41.8", "123.4", "visited", "30", "2026-12-06", "2026-12-06T09:00:00+00:00",
        "", "09:00", "11:30", "",
    ]  # fmt: skip
