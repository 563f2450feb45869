"""`careroute data export` against a stack: writes what was imported, in the import format."""

from __future__ import annotations

from pathlib import Path

from careroute.adapters.registry_csv import read_registry
from careroute.domain.vocabulary import Registry
from careroute_local.cli import main
from careroute_local.pump import EventPump
from tests.conftest import history_date


def test_export_writes_back_exactly_the_registry_that_was_imported(
    tiny_stack: EventPump, tiny_city: Registry, tmp_path: Path
) -> None:
    as_of = history_date(tiny_city)
    main(["data", "export", "--dir", str(tmp_path), "--as-of", as_of.isoformat()])
    exported = read_registry(tmp_path, as_of=as_of)
    assert sorted(exported.communities, key=lambda c: c.community_id) == list(tiny_city.communities)
    assert sorted(exported.stewards, key=lambda s: s.steward_id) == list(tiny_city.stewards)
    assert sorted(exported.elders, key=lambda e: e.elder_id) == sorted(
        tiny_city.elders, key=lambda e: e.elder_id
    )
