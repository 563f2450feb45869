"""`careroute run` loads the registry's elders with several writers at once
(careroute_local.parallel_writes): the stored items are the ones the one-writer import stores."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from careroute.adapters.dynamodb.repositories import registry_loading
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.service_layer.registry_import import import_registry
from careroute_local.parallel_writes import ElderWriters
from careroute_local.pump import EventPump
from tests.conftest import TODAY, restore_snapshot


def _stored(pump: EventPump, table: str) -> list[dict[str, Any]]:
    """Every item of the table as DynamoDB answers it, in key order."""
    client = pump.stack.client("dynamodb")
    pages = client.get_paginator("scan").paginate(TableName=pump.stack.table_name(table))
    items = [item for page in pages for item in page["Items"]]
    return sorted(items, key=lambda i: (i["community_id"]["S"], i["elder_id"]["S"]))


def test_the_writers_store_the_items_one_writer_stores(
    session_pump: EventPump, tiny_city: Registry
) -> None:
    session_pump.stack.reset()
    restore_snapshot(session_pump, "none")  # binds the tables
    import_registry(tiny_city, TODAY, load_policy(), registry_loading())
    one_writer = _stored(session_pump, "EldersTable")

    session_pump.stack.reset()
    writers = replace(registry_loading(), elders=ElderWriters(writers=3, chunk=40))
    counts = import_registry(tiny_city, TODAY, load_policy(), writers)
    side_by_side = _stored(session_pump, "EldersTable")

    assert counts.elders == len(tiny_city.elders) == len(one_writer) > 3 * 40
    assert side_by_side == one_writer
