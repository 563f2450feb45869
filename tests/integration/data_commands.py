"""`careroute data import` and `export` against the running stack, as the data-set tests
run them."""

from __future__ import annotations

from pathlib import Path

from careroute_local.cli import main


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
