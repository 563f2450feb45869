"""`careroute data import` and `export` of every data set against a stack (the DynamoDB
adapters), home care beds, their visits, lunch bookings and day-care bookings among them: an
export, its import and an export again are byte-identical, and a rejected file writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from careroute.adapters.data_csv import FILES
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
    """The tiny city's registry and every synthetic data set, as `data generate` writes, with
    its beds and bookings."""
    data = with_programmes(tiny_city, synthetic(tiny_city), TODAY)
    return city_files(tmp_path / "city", tiny_city, data)


def test_export_import_export_of_every_data_set_is_byte_identical(
    tiny_stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    first = round_trip(city_dir, tmp_path, history_date(tiny_city).isoformat())
    for file in NEW_FILES:
        assert len(load_rows(city_dir, file)) > 2, file
    given = [spec.name for spec in FILES if (city_dir / spec.name).is_file()]
    assert set(NEW_FILES) <= set(given)
    for name in given:
        assert first[name] == (city_dir / name).read_bytes(), name


def test_a_rejected_import_writes_nothing(
    tiny_stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    as_of = history_date(tiny_city).isoformat()
    rows = load_rows(city_dir, "devices.csv")
    watch = next(n for n, row in enumerate(rows, 1) if "smart_watch" in row)
    bad = {"kind": "toaster"}
    before = refused_writes_nothing(city_dir, tmp_path, as_of, "devices.csv", watch, bad)
    assert b"call_centre" not in before["devices.csv"]  # the import of the good rows did not run


def test_a_rejected_bed_file_writes_nothing(
    tiny_stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    as_of = history_date(tiny_city).isoformat()
    last = len(load_rows(city_dir, "home_care_beds.csv"))
    bad = {"status": "lost"}
    refused_writes_nothing(city_dir, tmp_path, as_of, "home_care_beds.csv", last, bad)
