"""Write a city's largest tables with several requests in flight, for the local stack's loads.

One writer alternates with the moto server: it builds a batch while the server waits, then
waits while the server stores it, so a city's ~139,000 elders kept one core busy at a time.
With a few writer threads the next batches are built while the server stores the last one:
the same BatchWriteItem requests, the same items (each key is written once, so their order does
not matter), only sent side by side. Threads, not processes: building a request holds the
GIL, but the server runs in its own process, and that overlap is the gain.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

from careroute.adapters.dynamodb import devices, registry
from careroute.adapters.dynamodb.repositories import DynamoElders
from careroute.domain.devices import Device
from careroute.domain.vocabulary import Elder

T = TypeVar("T")

WRITERS = 3
CHUNK = 1_000
"""Items per writer task: 40 BatchWriteItem requests of 25."""


def write_side_by_side(
    items: Iterable[T],
    write: Callable[[list[T]], int],
    writers: int = WRITERS,
    chunk: int = CHUNK,
) -> int:
    """`write` every chunk of `items` on `writers` threads; the count written. `items` is read
    as the chunks go (at most two chunks per writer ahead), so a progress counter on it stays
    close to what was stored; the first failure raises once every chunk sent has ended."""
    written = 0
    with ThreadPoolExecutor(writers, thread_name_prefix="writer") as pool:
        pending: deque[Future[int]] = deque()
        for part in _chunks(items, chunk):
            if len(pending) >= 2 * writers:
                written += pending.popleft().result()
            pending.append(pool.submit(write, part))
        while pending:
            written += pending.popleft().result()
    return written


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while part := list(islice(iterator, size)):
        yield part


class ElderWriters(DynamoElders):
    """The elders' table, its `save_elders` sent by several writers (write_side_by_side)."""

    def __init__(self, writers: int = WRITERS, chunk: int = CHUNK) -> None:
        self.writers = writers
        self.chunk = chunk

    def save_elders(self, elders: Iterable[Elder]) -> int:
        return write_side_by_side(elders, registry.save_elders, self.writers, self.chunk)


class DeviceWriters:
    """The devices' table (the city's ~127,000 alarms and call centres), its `save_devices`
    sent by several writers (write_side_by_side)."""

    def __init__(self, writers: int = WRITERS, chunk: int = CHUNK) -> None:
        self.writers = writers
        self.chunk = chunk

    def save_devices(self, stored: Iterable[Device]) -> int:
        return write_side_by_side(stored, devices.save_devices, self.writers, self.chunk)

    def get_device(self, device_id: str) -> Device:
        return devices.get_device(device_id)
