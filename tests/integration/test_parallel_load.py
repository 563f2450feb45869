"""`careroute run` loads the registry's elders and the devices with several writers at once
(careroute_local.parallel_writes): the stored items are the ones one writer stores."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from careroute_synthetic.devices import generate_devices

from careroute.adapters.dynamodb import devices
from careroute.adapters.dynamodb.repositories import registry_loading
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.service_layer.registry_import import import_registry
from careroute_local.parallel_writes import DeviceWriters, ElderWriters
from careroute_local.pump import EventPump
from tests.conftest import TODAY, restore_snapshot


def _stored(pump: EventPump, table: str, *keys: str) -> list[dict[str, Any]]:
    """Every item of the table as DynamoDB answers it, in the order of its `keys`."""
    client = pump.stack.client("dynamodb")
    pages = client.get_paginator("scan").paginate(TableName=pump.stack.table_name(table))
    items = [item for page in pages for item in page["Items"]]
    return sorted(items, key=lambda i: tuple(i[k]["S"] for k in keys))


def test_the_writers_store_the_items_one_writer_stores(
    session_pump: EventPump, tiny_city: Registry
) -> None:
    session_pump.stack.reset()
    restore_snapshot(session_pump, "none")  # binds the tables
    import_registry(tiny_city, TODAY, load_policy(), registry_loading())
    one_writer = _stored(session_pump, "EldersTable", "community_id", "elder_id")

    session_pump.stack.reset()
    writers = replace(registry_loading(), elders=ElderWriters(writers=3, chunk=40))
    counts = import_registry(tiny_city, TODAY, load_policy(), writers)
    side_by_side = _stored(session_pump, "EldersTable", "community_id", "elder_id")

    assert counts.elders == len(tiny_city.elders) == len(one_writer) > 3 * 40
    assert side_by_side == one_writer


def test_the_device_writers_store_the_devices_one_writer_stores(
    session_pump: EventPump, tiny_city: Registry
) -> None:
    city_devices = tuple(generate_devices(tiny_city, 7, installed_on=TODAY))
    session_pump.stack.reset()
    restore_snapshot(session_pump, "none")
    devices.save_devices(city_devices)
    one_writer = _stored(session_pump, "DevicesTable", "device_id")

    session_pump.stack.reset()
    restore_snapshot(session_pump, "none")
    written = DeviceWriters(writers=3, chunk=40).save_devices(city_devices)
    side_by_side = _stored(session_pump, "DevicesTable", "device_id")

    assert written == len(city_devices) == len(one_writer) > 3 * 40
    assert side_by_side == one_writer
