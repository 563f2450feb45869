"""The main job's urgent-events step: the synthetic devices of the loaded city (home care
beds' smoke alarms and belts, infrared monitors, one-key terminals, watches, a call centre
per community), so events can be sent to the urgent-events queue (docs/urgent-events.md)."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date

from careroute_synthetic.devices import generate_devices
from rich.console import Console

from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSets
from careroute_local.stack import LocalStack


def load_devices(
    city: Registry, seed: int, today: date, stack: LocalStack, console: Console
) -> int:
    """Import the city's devices (synthetic_tables.import_synthetic), written by several
    writers (parallel_writes); prints one line with the queue to send events to."""
    from careroute.adapters.dynamodb.data_set_repositories import data_set_loading
    from careroute_local.parallel_writes import DeviceWriters
    from careroute_local.synthetic_tables import import_synthetic

    started = time.perf_counter()
    devices = tuple(generate_devices(city, seed, installed_on=today))
    writers = replace(data_set_loading(), devices=DeviceWriters())
    count = import_synthetic(DataSets(devices=devices), city, loading=writers)["devices"]
    console.print(
        f"Urgent events: {count:,} devices loaded in {time.perf_counter() - started:.1f} s; "
        f"send events to {stack.queue_url('UrgentEventsQueue')} (docs/urgent-events.md)"
    )
    return count
