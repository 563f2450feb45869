"""home_care_beds.csv: the home care beds (家庭养老床位), one row per bed with its elder, the
provider that runs it, the status and subsistence it was granted on, its equipment and the day
of each step of its life (applied, built, accepted, closed)."""

from __future__ import annotations

from typing import Any

from careroute.adapters.data_csv.cells import Cell, choice, read_cells, text
from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import BEDS_FILE, PROVIDERS_FILE, Known
from careroute.adapters.data_csv.life_steps import check_in_order, check_reached
from careroute.adapters.registry_csv.rows import Row
from careroute.domain.beds import EQUIPMENT, BedStatus, HomeCareBed, Subsistence
from careroute.domain.eligibility import CareLevel
from careroute.domain.scope_ids import elder_scope_ids

STEP_DAYS = ("applied_on", "built_on", "accepted_on", "closed_on")

REQUIRED_STEPS: dict[BedStatus, frozenset[str]] = {
    BedStatus.APPLIED: frozenset({"applied_on"}),
    BedStatus.BUILT: frozenset({"applied_on", "built_on"}),
    BedStatus.ACCEPTED: frozenset({"applied_on", "built_on", "accepted_on"}),
    BedStatus.CLOSED: frozenset({"applied_on", "closed_on"}),
}
"""The step days a bed of each status has (a closed bed may also have been built and
accepted before it closed)."""


CELLS: dict[str, Cell] = {
    "bed_id": text,
    "subsistence": choice(Subsistence),
    "care_level": choice(CareLevel),
    "status": choice(BedStatus),
}


def _read(row: Row, known: Known) -> HomeCareBed | None:
    community, elder = known.placed_elder(row)
    location = row.location()
    provider_id = _provider(row, known, community.district_id if community else "")
    cells = read_cells(row, CELLS)
    bed_id, status = cells["bed_id"], cells["status"]
    equipment = frozenset(row.words("equipment"))
    for unknown in sorted(equipment - EQUIPMENT):
        known_kinds = ", ".join(sorted(EQUIPMENT))
        row.error("equipment", f"unknown equipment {unknown!r}; known: {known_kinds}")
    days = _step_days(row, status)
    if days.get("built_on") is None and equipment:
        row.error("equipment", "must be empty until the bed is built (built_on)")
    if days.get("built_on") is not None and not equipment:
        row.error("equipment", "is empty but the bed was built (a build names what was installed)")
    window = row.window("window_start", "window_end")
    if status is not None and status is not BedStatus.CLOSED and elder is not None:
        _check_one_open_bed(row, known, bed_id, elder.elder_id)
    if not row.ok or community is None or elder is None or location is None or window is None:
        return None
    bed = HomeCareBed(
        **cells,
        **days,  # a step's day, and applied_on, which every status has (else an error)
        **elder_scope_ids(elder),
        location=location,
        provider_id=provider_id,
        equipment=equipment,
        window=window,
    )
    known.beds[bed_id] = bed  # what bed_visits.csv refers to
    return bed


def _provider(row: Row, known: Known, district_id: str) -> str:
    """The row's provider: one of providers.csv (or the stored ones), of the bed's district."""
    provider_id = known.listed(row, "provider_id", PROVIDERS_FILE)
    provider = known.providers.get(provider_id)
    if provider is not None and district_id and provider.district_id != district_id:
        reason = f"provider {provider_id} is of district {provider.district_id}, not {district_id}"
        row.error("provider_id", reason)
    return provider_id


def _step_days(row: Row, status: BedStatus | None) -> dict[str, Any]:
    """Each step's day: present exactly for the steps the status has, in the life's order."""
    days = {field: row.day(field, required=False) for field in STEP_DAYS}
    if status is None:
        return days
    closed = status is BedStatus.CLOSED
    may_have = frozenset(STEP_DAYS) if closed else frozenset()
    check_reached(row, STEP_DAYS, REQUIRED_STEPS[status], "bed", status.value, may_have)
    if closed and row.get("accepted_on") and not row.get("built_on"):
        row.error("built_on", "is empty but the bed was accepted (accepted_on)")
    check_in_order(row, days)
    return days


def _check_one_open_bed(row: Row, known: Known, bed_id: str, elder_id: str) -> None:
    """An elder has at most one bed not closed, in the file and among the stored beds."""
    if not bed_id:
        return
    first = known.open_beds.setdefault(elder_id, (bed_id, row.line))
    if first[0] != bed_id:
        reason = f"elder {elder_id} has another bed not closed ({first[0]}, line {first[1]})"
        row.error("elder_id", reason)
        return
    stored = known.stored.open_beds.get(elder_id)
    if stored is not None and stored != bed_id:
        reason = f"elder {elder_id} holds stored bed {stored}, not closed: close it first"
        row.error("elder_id", reason)


HOME_CARE_BEDS_COLUMNS = (
    "bed_id", "elder_id", "community_id", "street_id", "district_id", "lat", "lng",
    "provider_id", "subsistence", "care_level", "equipment", "status", *STEP_DAYS,
    "window_start", "window_end",
)  # fmt: skip

HOME_CARE_BEDS = DataFile(
    name=BEDS_FILE,
    columns=HOME_CARE_BEDS_COLUMNS,
    read=_read,
)
