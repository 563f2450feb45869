"""Writing the data sets given as CSV files, one per data set (each through `write_csv`),
rows in each file's order so that the same data always gives the same bytes."""

from __future__ import annotations

from pathlib import Path

from careroute.adapters.data_csv.files import FILES
from careroute.adapters.registry_csv.writing import Located, write_csv
from careroute.domain.geo import Crs
from careroute.service_layer.data_import import DataSets


def write_data_sets(directory: Path, data: DataSets, *, crs: Crs = Crs.WGS84) -> dict[str, int]:
    """Write a file for each data set given (None: no file); the rows written per file.
    Coordinates are written in `crs`, with a last `crs` column unless WGS-84."""
    directory.mkdir(parents=True, exist_ok=True)
    located = Located(crs)
    written: dict[str, int] = {}
    for spec in FILES:
        items = getattr(data, spec.attribute)
        if items is None:
            continue
        header = spec.columns + (located.header if spec.located else ())
        tail = located.tail if spec.located else []
        rows = ([*spec.write(item, located), *tail] for item in sorted(items, key=spec.order))
        written[spec.name] = write_csv(directory / spec.name, header, rows)
    return written
