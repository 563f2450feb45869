"""inspection_targets.csv and inspectors.csv: what district inspectors check (care
institutions, home care beds, home adaptation jobs) with their due dates and, after an
inspection, its checklist scores; and each district's inspectors, based at its office."""

from __future__ import annotations

from datetime import date

from careroute.adapters.data_csv.cells import (
    Cell,
    choice,
    integer,
    optional_day,
    optional_text,
    read_cells,
    text,
)
from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import Known
from careroute.adapters.registry_csv.rows import Row
from careroute.adapters.registry_csv.writing import Located, window_cells
from careroute.domain.inspections import (
    CHECKLIST,
    MAX_SCORE,
    InspectionTarget,
    Inspector,
    ItemScore,
    TargetKind,
    result_problems,
)
from careroute.domain.scope_ids import scope_ids

MAX_BEDS = 10_000
MAX_DEVICES = 20
MAX_RECTIFICATIONS = max(len(items) for items in CHECKLIST.values())
"""At most one rectification item per checklist item."""


TARGET_CELLS: dict[str, Cell] = {
    "target_id": text,
    "kind": choice(TargetKind),
    "name": optional_text,
    "due_date": optional_day,
    "last_inspected": optional_day,
    "available_from": optional_day,
    "beds": integer(0, MAX_BEDS),
    "occupied_beds": integer(0, MAX_BEDS),
    "last_rectifications": integer(0, MAX_RECTIFICATIONS),
}


def _read_target(row: Row, known: Known) -> InspectionTarget | None:
    community = known.place(row)
    location = row.location()
    window = row.window("window_start", "window_end")
    cells = read_cells(row, TARGET_CELLS)
    beds, occupied = cells["beds"], cells["occupied_beds"]
    if occupied > beds:
        row.error("occupied_beds", f"{occupied} is more than the {beds} beds")
    devices = tuple(sorted(row.words("devices")))
    if len(devices) > MAX_DEVICES:
        row.error("devices", f"{len(devices)} devices; at most {MAX_DEVICES}")
    scores = _scores(row, cells["kind"])
    if not row.ok or community is None or location is None or window is None:
        return None
    return InspectionTarget(
        **cells,
        **scope_ids(community),
        location=location,
        window=window,
        devices=devices,
        last_scores=scores,
    )


def _scores(row: Row, kind: TargetKind | None) -> tuple[ItemScore, ...]:
    """`last_scores`: 'item=score' parts, one per checklist item of the kind (or none)."""
    scores: list[ItemScore] = []
    for part in row.words("last_scores"):
        item, _, score = part.partition("=")
        if not score.strip().isdigit() or not 0 <= int(score) <= MAX_SCORE:
            row.error("last_scores", f"{part!r} is not item=score with a score 0..{MAX_SCORE}")
            return ()
        scores.append(ItemScore(item.strip(), int(score)))
    if scores and kind is not None:
        for problem in result_problems(kind, tuple(scores), (), date.min):
            row.error("last_scores", problem.removeprefix("scores: "))
    return tuple(sorted(scores, key=lambda s: s.item))


def _scores_text(t: InspectionTarget) -> str:
    return ";".join(f"{s.item}={s.score}" for s in sorted(t.last_scores, key=lambda s: s.item))


INSPECTION_TARGETS_COLUMNS = (
    "target_id", "kind", "name", "community_id", "street_id", "district_id", "lat", "lng",
    "window_start", "window_end", "due_date", "last_inspected", "available_from", "beds",
    "occupied_beds", "devices", "last_scores", "last_rectifications",
)  # fmt: skip

INSPECTION_TARGETS = DataFile(
    name="inspection_targets.csv",
    columns=INSPECTION_TARGETS_COLUMNS,
    read=_read_target,
    written_as={"last_scores": _scores_text},
)


def _read_inspector(row: Row, known: Known) -> Inspector | None:
    inspector_id = row.text("inspector_id")
    district_id = known.district(row)
    base = row.location()
    shift = row.window("shift_start", "shift_end")
    lunch = row.window("break_start", "break_end", required=False)
    if shift is not None and lunch is not None and shift.intersect(lunch) != lunch:
        row.error("break_start", f"break {lunch} is not inside the shift {shift}")
    skills = row.words("skills")
    days_off = row.weekdays("days_off")
    if not row.ok or base is None or shift is None:
        return None
    return Inspector(inspector_id, district_id, base, shift, lunch, frozenset(skills), days_off)


def _inspector_cells(i: Inspector, located: Located) -> list[str]:
    return [
        i.inspector_id, i.district_id, *located.cells(i.base),
        *window_cells(i.shift), *window_cells(i.lunch_break),
        ";".join(sorted(i.skills)), ";".join(map(str, sorted(i.days_off))),
    ]  # fmt: skip


INSPECTORS_COLUMNS = (
    "inspector_id", "district_id", "lat", "lng", "shift_start", "shift_end", "break_start",
    "break_end", "skills", "days_off",
)  # fmt: skip

INSPECTORS = DataFile(
    name="inspectors.csv",
    columns=INSPECTORS_COLUMNS,
    read=_read_inspector,
    cells=_inspector_cells,
)
