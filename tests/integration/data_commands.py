"""The data-set tests' city files, and `careroute data import` and `export` against the
running stack as those tests run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from careroute_synthetic.data_sets import synthetic_data_sets

from careroute.adapters.data_csv import write_data_sets
from careroute.adapters.registry_csv import write_registry
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSets
from careroute_local.cli import main
from careroute_local.cli.console import EXIT_BAD_INPUT
from tests.conftest import TODAY, history_date
from tests.csv_rows import edit_cells


def synthetic(city: Registry) -> DataSets:
    """`city`'s synthetic data sets as of TODAY, as `data generate` makes them."""
    return synthetic_data_sets(city, 11, TODAY, load_policy(), lunch_day=TODAY)


def city_files(directory: Path, city: Registry, data: DataSets) -> Path:
    """`directory` holding `city`'s registry (as of its history date) and the data sets
    `data`, as `data generate` writes them."""
    write_registry(directory, city, history_date(city))
    write_data_sets(directory, data)
    return directory


def export(directory: Path, as_of: str) -> dict[str, bytes]:
    """`data export` into `directory`: each file written, by name."""
    main(["data", "export", "--dir", str(directory), "--as-of", as_of])
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def round_trip(source: Path, work: Path, as_of: str) -> dict[str, bytes]:
    """`source` imported, then exported (the export returned), and that export imported and
    exported again, which must give the same bytes."""
    main(["data", "import", "--dir", str(source), "--as-of", as_of])
    first = export(work / "first", as_of)
    main(["data", "import", "--dir", str(work / "first"), "--as-of", as_of])
    assert export(work / "second", as_of) == first
    return first


def import_refused(source: Path, as_of: str) -> None:
    """`data import` of `source` exits with EXIT_BAD_INPUT."""
    with pytest.raises(SystemExit) as exited:
        main(["data", "import", "--dir", str(source), "--as-of", as_of])
    assert exited.value.code == EXIT_BAD_INPUT


def given_lines_exported(source: Path, exported: dict[str, bytes], file: str) -> list[str]:
    """`file`'s data lines as given in `source`, every one of them in the export (which may
    hold more), under the same header."""
    given = (source / file).read_text("utf-8").splitlines()
    lines = exported[file].decode("utf-8").splitlines()
    assert lines[0] == given[0]
    assert set(given[1:]) <= set(lines[1:])
    return given[1:]


def refused_writes_nothing(
    source: Path, work: Path, as_of: str, file: str, line: int, cells: dict[str, str]
) -> dict[str, bytes]:
    """`file`'s line `line` in `source` given `cells`: `data import` exits with
    EXIT_BAD_INPUT and the stack exports the same before and after; the export."""
    before = export(work / "before", as_of)
    edit_cells(source, file, line, cells)
    import_refused(source, as_of)
    assert export(work / "after", as_of) == before
    return before
