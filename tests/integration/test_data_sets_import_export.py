"""`careroute data import` and `export` of every data set against a stack (the DynamoDB
adapters), home care beds, their visits, lunch bookings, day-care bookings and benefit claims
of every status among them: an export, its import and an export again are byte-identical, and
a rejected file writes nothing, not even its good rows."""

from __future__ import annotations

from dataclasses import replace
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
from tests.unit.test_benefit_claims_csv import claims_of_every_status
from tests.unit.test_programme_data_csv import NEW_FILES, with_programmes


@pytest.fixture
def city_dir(tiny_city: Registry, tmp_path: Path) -> Path:
    """The tiny city's registry and every synthetic data set, as `data generate` writes, with
    its beds and bookings and a benefit claim of each status."""
    data = with_programmes(tiny_city, synthetic(tiny_city), TODAY)
    data = replace(data, benefit_claims=claims_of_every_status(tiny_city))
    return city_files(tmp_path / "city", tiny_city, data)


def test_export_import_export_of_every_data_set_is_byte_identical(
    tiny_stack: EventPump, tiny_city: Registry, city_dir: Path, tmp_path: Path
) -> None:
    first = round_trip(city_dir, tmp_path, history_date(tiny_city).isoformat())
    for file in (*NEW_FILES, "benefit_claims.csv"):
        assert len(load_rows(city_dir, file)) > 2, file
    given = [spec.name for spec in FILES if (city_dir / spec.name).is_file()]
    assert {*NEW_FILES, "benefit_claims.csv"} <= set(given)
    for name in given:
        assert first[name] == (city_dir / name).read_bytes(), name


@pytest.mark.parametrize(
    ("file", "cells"),
    [
        ("devices.csv", {"kind": "toaster"}),
        ("home_care_beds.csv", {"status": "lost"}),
        ("benefit_claims.csv", {"status": "pending"}),
    ],
)
def test_a_file_with_a_bad_last_row_writes_nothing(
    tiny_stack: EventPump,
    tiny_city: Registry,
    city_dir: Path,
    tmp_path: Path,
    file: str,
    cells: dict[str, str],
) -> None:
    as_of = history_date(tiny_city).isoformat()
    rows = load_rows(city_dir, file)
    before = refused_writes_nothing(city_dir, tmp_path, as_of, file, len(rows), cells)
    first_good = rows[1][0]  # each file's id comes first
    assert first_good.encode() not in before.get(file, b"")
