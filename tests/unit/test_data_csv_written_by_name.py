"""Rows written by name (`data_csv/cells.py` `written`) for items shaped as their file but
for a few columns: a base instead of a location, windows named other than `window`, an
ordered tuple of names, and the columns a file writes its own way (`written_as`)."""

from __future__ import annotations

from dataclasses import dataclass

from careroute.adapters.data_csv.cells import written
from careroute.adapters.registry_csv.writing import Located
from careroute.domain.geo import Crs
from careroute.domain.vocabulary import GeoPoint, TimeWindow


@dataclass(frozen=True)
class Worker:
    worker_id: str
    base: GeoPoint
    shift: TimeWindow
    lunch: TimeWindow | None
    communities: tuple[str, ...]
    scores: tuple[tuple[str, int], ...]


WORKER = Worker(
    worker_id="W-1",
    base=GeoPoint(41.8, 123.4),
    shift=TimeWindow.parse("08:00", "18:00"),
    lunch=None,
    communities=("C0003", "C0001"),
    scores=(("b", 2), ("a", 1)),
)


def test_a_base_windows_of_any_name_and_a_tuple_are_written_by_name() -> None:
    columns = ("worker_id", "lat", "lng", "shift_start", "shift_end", "lunch_start", "lunch_end")
    columns += ("communities",)

    cells = written(WORKER, columns, Located(Crs.WGS84))

    assert cells == ["W-1", "41.8", "123.4", "08:00", "18:00", "", "", "C0003;C0001"]


def test_a_column_written_its_own_way_takes_the_files_writer() -> None:
    def scores_text(worker: Worker) -> str:
        return ";".join(f"{name}={score}" for name, score in sorted(worker.scores))

    cells = written(WORKER, ("worker_id", "scores"), Located(Crs.WGS84), {"scores": scores_text})

    assert cells == ["W-1", "a=1;b=2"]
