"""`careroute data import` and `export` of home care beds, lunch bookings and day-care
bookings against a stack (the DynamoDB adapters): an export, its import and an export again
are byte-identical, and a rejected file writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import TODAY, history_date
from tests.csv_rows import load_rows
from tests.integration.data_commands import (
    city_files,
    refused_writes_nothing,
    round_trip,
    synthetic,
)
from tests.unit.test_programme_data_csv import NEW_FILES, with_programmes


@pytest.fixture
def city_dir(tiny_city: Registry, tmp_path: Path) -> Path:
    """The tiny city's registry and data sets, with its beds and bookings."""
    data = with_programmes(tiny_city, synthetic(tiny_city), TODAY)
    return city_files(tmp_path / "city", tiny_city, data)


def test_beds_and_bookings_export_import_export_is_byte_identical(
    tiny_stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    first = round_trip(city_dir, tmp_path, history_date(tiny_city).isoformat())
    for file in NEW_FILES:
        assert len(load_rows(city_dir, file)) > 2, file
        assert first[file] == (city_dir / file).read_bytes(), file


def test_a_rejected_bed_file_writes_nothing(
    tiny_stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    as_of = history_date(tiny_city).isoformat()
    last = len(load_rows(city_dir, "home_care_beds.csv"))
    bad = {"status": "lost"}
    refused_writes_nothing(city_dir, tmp_path, as_of, "home_care_beds.csv", last, bad)
