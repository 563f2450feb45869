"""The main job's urgent-events step: the synthetic devices of the loaded city (home care
beds' smoke alarms and belts, infrared monitors, one-key terminals, watches, a call centre
per community), so events can be sent to the urgent-events queue (docs/urgent-events.md)."""

from __future__ import annotations

import time
from datetime import date

from careroute_synthetic.devices import generate_devices
from rich.console import Console

from careroute.domain.vocabulary import Registry
from careroute_local.stack import LocalStack


def load_devices(
    city: Registry, seed: int, today: date, stack: LocalStack, console: Console
) -> int:
    """Store the city's devices; prints one line with the queue to send events to."""
    from careroute.adapters.dynamodb.devices import save_devices

    started = time.perf_counter()
    count = save_devices(generate_devices(city, seed, installed_on=today))
    console.print(
        f"Urgent events: {count:,} devices loaded in {time.perf_counter() - started:.1f} s; "
        f"send events to {stack.queue_url('UrgentEventsQueue')} (docs/urgent-events.md)"
    )
    return count
