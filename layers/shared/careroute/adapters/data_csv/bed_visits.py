"""bed_visits.csv: the service visits providers' workers made at the home care beds, one row
per visit (served, or nobody home), at a bed of home_care_beds.csv (or, without that file,
a stored bed) that was in service that day. They are what the bed planner reads a bed's
last service from, and what the bed coverage and the service-hour ledger count."""

from __future__ import annotations

from careroute.adapters.data_csv.cells import (
    Cell,
    at,
    choice,
    integer,
    optional_text,
    read_cells,
    text,
)
from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import BEDS_FILE, Known
from careroute.adapters.registry_csv.rows import Row
from careroute.domain.bed_visits import BedVisit, BedVisitOutcome
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.vocabulary import china_date

CELLS: dict[str, Cell] = {
    "visit_id": text,
    "worker_id": optional_text,  # empty in a history carried over from elsewhere
    "visited_at": at,
    "outcome": choice(BedVisitOutcome),
    "minutes": integer(0, 480),
    "recorded_at": at,
    "note": optional_text,
}


def _read(row: Row, known: Known) -> BedVisit | None:
    bed = known.beds.get(known.listed(row, "bed_id", BEDS_FILE))
    cells = read_cells(row, CELLS)
    visited_at, recorded_at, minutes = cells["visited_at"], cells["recorded_at"], cells["minutes"]
    if bed is not None and visited_at is not None:
        visit_day = china_date(visited_at)
        if not bed.in_service_on(visit_day):
            reason = f"the bed is not in service on {visit_day} (it is {bed.status.value})"
            row.error("visited_at", reason)
    if visited_at is not None and recorded_at is not None and recorded_at < visited_at:
        row.error("recorded_at", "is before visited_at")
    if cells["outcome"] is BedVisitOutcome.SERVED and minutes == 0:
        row.error("minutes", "a served visit takes 1..480 minutes")
    if cells["outcome"] is BedVisitOutcome.NOT_HOME and minutes != 0:
        row.error("minutes", "must be 0 when nobody was home (no service delivered)")
    if not row.ok or bed is None:
        return None
    return BedVisit(**cells, bed_id=bed.bed_id, provider_id=bed.provider_id, **elder_scope_ids(bed))


BED_VISITS_COLUMNS = (
    "visit_id", "bed_id", "worker_id", "visited_at", "outcome", "minutes", "recorded_at", "note",
)  # fmt: skip

BED_VISITS = DataFile(
    name="bed_visits.csv",
    columns=BED_VISITS_COLUMNS,
    read=_read,
)
