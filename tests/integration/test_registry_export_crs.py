"""`careroute data export --crs gcj02` against a stack: coordinates for AMap, which import back
to the stored WGS-84 points."""

from __future__ import annotations

import csv
from pathlib import Path

from careroute.adapters.registry_csv import read_registry
from careroute.domain.vocabulary import Registry
from careroute.planning.travel import haversine_m
from careroute_local.cli import main
from careroute_local.pump import EventPump
from tests.conftest import history_date


def test_an_export_for_amap_is_in_gcj02_and_imports_back_to_the_stored_points(
    tiny_stack: EventPump, tiny_city: Registry, tmp_path: Path
) -> None:
    as_of = history_date(tiny_city)
    main(["data", "export", "--dir", str(tmp_path), "--as-of", as_of.isoformat(), "--crs", "gcj02"])
    with (tmp_path / "elders.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[-1] == "crs" and {row[-1] for row in rows} == {"gcj02"}
    exported = read_registry(tmp_path, as_of=as_of)
    stored = {e.elder_id: e.location for e in tiny_city.elders}
    stored |= {c.community_id: c.location for c in tiny_city.communities}
    back = {e.elder_id: e.location for e in exported.elders}
    back |= {c.community_id: c.location for c in exported.communities}
    assert back.keys() == stored.keys()
    assert max(haversine_m(back[key], stored[key]) for key in stored) < 0.001
