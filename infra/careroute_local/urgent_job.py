"""The main job's urgent-events step: the synthetic devices of the loaded city (home care
beds' smoke alarms and belts, infrared monitors, one-key terminals, watches, a call centre
per community), so events can be sent to the urgent-events queue (docs/urgent-events.md)."""

from __future__ import annotations

import time
from datetime import date

from careroute_synthetic.devices import generate_devices
from rich.console import Console

from careroute.domain.vocabulary import Registry
from careroute.service_layer.data_import import DataSets
from careroute_local.stack import LocalStack


def load_devices(
    city: Registry, seed: int, today: date, stack: LocalStack, console: Console
) -> int:
    """Import the city's devices (synthetic_tables.import_synthetic); prints one line with
    the queue to send events to."""
    from careroute_local.synthetic_tables import import_synthetic

    started = time.perf_counter()
    devices = tuple(generate_devices(city, seed, installed_on=today))
    count = import_synthetic(DataSets(devices=devices), city)["devices"]
    console.print(
        f"Urgent events: {count:,} devices loaded in {time.perf_counter() - started:.1f} s; "
        f"send events to {stack.queue_url('UrgentEventsQueue')} (docs/urgent-events.md)"
    )
    return count
