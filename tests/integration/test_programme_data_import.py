"""`careroute data import` and `export` of home care beds, lunch bookings and day-care
bookings against a stack (the DynamoDB adapters): an export, its import and an export again
are byte-identical, and a rejected file writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from careroute_synthetic.data_sets import synthetic_data_sets

from careroute.adapters.data_csv import write_data_sets
from careroute.adapters.registry_csv import write_registry
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute_local.cli import main
from careroute_local.cli.console import EXIT_BAD_INPUT
from careroute_local.pump import EventPump
from tests.conftest import TODAY, history_date
from tests.csv_rows import load_rows, save_rows
from tests.integration.data_commands import export, round_trip
from tests.unit.test_programme_data_csv import NEW_FILES, with_programmes


@pytest.fixture
def city_dir(small_city: Registry, tmp_path: Path) -> Path:
    """The small city's registry and data sets, with its beds and bookings."""
    directory = tmp_path / "city"
    write_registry(directory, small_city, history_date(small_city))
    base = synthetic_data_sets(small_city, 11, TODAY, load_policy(), lunch_day=TODAY)
    write_data_sets(directory, with_programmes(small_city, base, TODAY))
    return directory


def test_beds_and_bookings_export_import_export_is_byte_identical(
    loaded_stack: EventPump, small_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    first = round_trip(city_dir, tmp_path, history_date(small_city).isoformat())
    for file in NEW_FILES:
        assert len(load_rows(city_dir, file)) > 2, file
        assert first[file] == (city_dir / file).read_bytes(), file


def test_a_rejected_bed_file_writes_nothing(
    loaded_stack: EventPump, small_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    as_of = history_date(small_city).isoformat()
    before = export(tmp_path / "before", as_of)
    rows = load_rows(city_dir, "home_care_beds.csv")
    rows[-1][rows[0].index("status")] = "lost"
    save_rows(city_dir, "home_care_beds.csv", rows)
    with pytest.raises(SystemExit) as exited:
        main(["data", "import", "--dir", str(city_dir), "--as-of", as_of])
    assert exited.value.code == EXIT_BAD_INPUT
    assert export(tmp_path / "after", as_of) == before
