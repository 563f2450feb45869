"""The registry CSV's `crs` column: coordinates copied from AMap, Tencent or Baidu are read as
WGS-84, an unknown system is an all-or-nothing error, and an export for AMap imports back."""

from __future__ import annotations

import filecmp
from datetime import date
from pathlib import Path

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters.registry_csv import (
    COMMUNITY_COLUMNS,
    RegistryImportError,
    RowError,
    read_registry,
    write_registry,
)
from careroute.domain.geo import Crs, from_wgs84
from careroute.domain.vocabulary import Registry
from careroute.planning.travel import haversine_m
from tests.csv_rows import edit_cells, load_rows, save_rows

AS_OF = date(2026, 12, 1)
FILES = ("communities.csv", "stewards.csv", "elders.csv")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return generate_city(11, as_of=AS_OF, districts=["Heping"], scale=0.05)


def add_crs_column(directory: Path, file: str, values: dict[int, str]) -> None:
    """Append a `crs` column, with `values` by editor line (header = 1), empty elsewhere."""
    rows = load_rows(directory, file)
    rows[0].append("crs")
    for line, row in enumerate(rows[1:], start=2):
        row.append(values.get(line, ""))
    save_rows(directory, file, rows)


@pytest.mark.parametrize("crs", [Crs.GCJ02, Crs.BD09])
def test_coordinates_in_a_chinese_system_are_read_as_wgs84(
    tmp_path: Path, registry: Registry, crs: Crs
) -> None:
    write_registry(tmp_path, registry, AS_OF)
    community, elder = registry.communities[0], registry.elders[3]
    for file, point in (("communities.csv", community.location), ("elders.csv", elder.location)):
        line = 2 if file == "communities.csv" else 5
        shown = from_wgs84(point, crs)  # what AMap or Baidu would show for the same place
        edit_cells(tmp_path, file, line, {"lat": repr(shown.lat), "lng": repr(shown.lng)})
        add_crs_column(tmp_path, file, {line: crs.value})
    read = read_registry(tmp_path, as_of=AS_OF)
    assert haversine_m(read.communities[0].location, community.location) < 0.001
    assert haversine_m(read.elders[3].location, elder.location) < 0.001
    assert read.elders[4] == registry.elders[4]  # an empty cell is WGS-84


def test_an_unknown_crs_names_file_line_and_field_and_imports_nothing(
    tmp_path: Path, registry: Registry
) -> None:
    write_registry(tmp_path, registry, AS_OF)
    add_crs_column(tmp_path, "communities.csv", {3: "WGS-84"})
    add_crs_column(tmp_path, "elders.csv", {9: "baidu", 10: "gcj02"})
    with pytest.raises(RegistryImportError) as caught:
        read_registry(tmp_path, as_of=AS_OF)
    known = "known: wgs84, gcj02, bd09"
    assert caught.value.errors == [
        RowError("communities.csv", 3, "crs", f"unknown crs 'WGS-84'; {known}"),
        RowError("elders.csv", 9, "crs", f"unknown crs 'baidu'; {known}"),
    ]


def test_the_crs_column_is_not_accepted_in_stewards(tmp_path: Path, registry: Registry) -> None:
    write_registry(tmp_path, registry, AS_OF)
    add_crs_column(tmp_path, "stewards.csv", {})
    with pytest.raises(RegistryImportError) as caught:
        read_registry(tmp_path, as_of=AS_OF)
    [error] = caught.value.errors
    assert (error.file, error.line, error.field) == ("stewards.csv", 1, "crs")
    assert error.reason.startswith("unknown column")


def test_a_wgs84_round_trip_is_byte_identical_and_has_no_crs_column(
    tmp_path: Path, registry: Registry
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_registry(first, registry, AS_OF)
    write_registry(second, read_registry(first, as_of=AS_OF), AS_OF, crs=Crs.WGS84)
    assert all(filecmp.cmp(first / f, second / f, shallow=False) for f in FILES)
    assert load_rows(first, "communities.csv")[0] == list(COMMUNITY_COLUMNS)


def test_an_export_for_amap_writes_gcj02_and_imports_back(
    tmp_path: Path, registry: Registry
) -> None:
    write_registry(tmp_path, registry, AS_OF, crs=Crs.GCJ02)
    rows = load_rows(tmp_path, "communities.csv")
    assert rows[0] == [*COMMUNITY_COLUMNS, "crs"]
    assert {row[-1] for row in rows[1:]} == {"gcj02"}
    header, first = rows[0], rows[1]
    shown = (float(first[header.index("lat")]), float(first[header.index("lng")]))
    expected = from_wgs84(registry.communities[0].location, Crs.GCJ02)
    assert shown == (expected.lat, expected.lng)
    assert load_rows(tmp_path, "stewards.csv")[0][-1] == "days_off"  # no coordinates there
    back = read_registry(tmp_path, as_of=AS_OF)
    worst = max(
        haversine_m(a.location, b.location)
        for a, b in zip(
            back.elders + back.communities, registry.elders + registry.communities, strict=True
        )
    )
    assert worst < 0.001
    assert [e.elder_id for e in back.elders] == [e.elder_id for e in registry.elders]
