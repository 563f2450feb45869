"""`careroute data import` and `export` of benefit claims against a stack (the claims'
DynamoDB table): an export, its import and an export again are byte-identical, the claims of
the file among them, and a rejected file writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSets
from careroute_local.pump import EventPump
from tests.conftest import history_date
from tests.csv_rows import load_rows, save_rows
from tests.integration.data_commands import city_files, export, import_refused, round_trip
from tests.unit.test_benefit_claims_csv import FILE, claims_of_every_status


@pytest.fixture
def city_dir(small_city: Registry, tmp_path: Path) -> Path:
    """The small city's registry and a claim of each status."""
    data = DataSets(benefit_claims=claims_of_every_status(small_city))
    return city_files(tmp_path / "city", small_city, data)


def test_claims_export_import_export_is_byte_identical(
    loaded_stack: EventPump, small_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    first = round_trip(city_dir, tmp_path, history_date(small_city).isoformat())
    given = (city_dir / FILE).read_text("utf-8").splitlines()
    exported = first[FILE].decode("utf-8").splitlines()
    assert exported[0] == given[0]
    assert set(given[1:]) <= set(exported[1:])
    assert len(given) == 7


def test_a_rejected_claims_file_writes_nothing(
    loaded_stack: EventPump, small_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    as_of = history_date(small_city).isoformat()
    before = export(tmp_path / "before", as_of)
    rows = load_rows(city_dir, FILE)
    rows[-1][rows[0].index("status")] = "pending"
    save_rows(city_dir, FILE, rows)
    import_refused(city_dir, as_of)
    assert export(tmp_path / "after", as_of) == before
    assert rows[1][0].encode() not in before[FILE]  # the good rows were not imported either
