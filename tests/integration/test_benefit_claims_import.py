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
from tests.csv_rows import load_rows
from tests.integration.data_commands import (
    city_files,
    given_lines_exported,
    refused_writes_nothing,
    round_trip,
)
from tests.unit.test_benefit_claims_csv import FILE, claims_of_every_status


@pytest.fixture
def city_dir(tiny_city: Registry, tmp_path: Path) -> Path:
    """The tiny city's registry and a claim of each status."""
    data = DataSets(benefit_claims=claims_of_every_status(tiny_city))
    return city_files(tmp_path / "city", tiny_city, data)


def test_claims_export_import_export_is_byte_identical(
    tiny_stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    first = round_trip(city_dir, tmp_path, history_date(tiny_city).isoformat())
    assert len(given_lines_exported(city_dir, first, FILE)) == 6


def test_a_rejected_claims_file_writes_nothing(
    tiny_stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    as_of = history_date(tiny_city).isoformat()
    last = len(load_rows(city_dir, FILE))
    before = refused_writes_nothing(city_dir, tmp_path, as_of, FILE, last, {"status": "pending"})
    good = load_rows(city_dir, FILE)[1][0]
    assert good.encode() not in before[FILE]  # the good rows were not imported either
