"""hospitals.csv: the hospitals a steward can record an elder admitted to, and visit there."""

from __future__ import annotations

from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.known import Known
from careroute.adapters.registry_csv.rows import Row
from careroute.domain.hospitals import Hospital

MAX_NAME_CHARS = 100
"""As long as a visit's stay may name its place (messages.visits.StayBody): the steward page
posts the name as it is written here."""


def _read(row: Row, known: Known) -> Hospital | None:
    hospital_id = row.text("hospital_id")
    name = row.text("name")
    if len(name) > MAX_NAME_CHARS:
        row.error("name", f"longer than {MAX_NAME_CHARS} characters")
    district_id = known.district(row)
    location = row.location()
    if not row.ok or location is None:
        return None
    return Hospital(hospital_id, name, district_id, location)


HOSPITALS = DataFile(
    name="hospitals.csv",
    columns=("hospital_id", "name", "district_id", "lat", "lng"),
    read=_read,
)
