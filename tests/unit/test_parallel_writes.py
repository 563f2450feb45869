"""The local stack's loads write a large table's chunks on several threads
(careroute_local.parallel_writes): every item is written once, the count is the items', the
items are read only a few chunks ahead of what is stored, and a failed chunk fails the load."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from careroute_local.parallel_writes import write_side_by_side


class Table:
    """Chunks received per thread, as a table's batch writer would store them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stored: list[int] = []
        self.threads: set[str] = set()
        self.started = threading.Barrier(2, timeout=5)

    def write(self, chunk: list[int]) -> int:
        if chunk[0] < 20:  # the first two chunks meet: two writers at once
            self.started.wait()
        with self.lock:
            self.stored.extend(chunk)
            self.threads.add(threading.current_thread().name)
        return len(chunk)


def test_every_item_is_written_once_by_writers_side_by_side() -> None:
    table = Table()

    written = write_side_by_side(range(1_005), table.write, writers=3, chunk=10)

    assert written == 1_005
    assert sorted(table.stored) == list(range(1_005))
    assert len(table.threads) >= 2


def test_items_are_read_at_most_two_chunks_per_writer_ahead_of_what_is_stored() -> None:
    table = Table()
    ahead: list[int] = []

    def items() -> Iterator[int]:
        for n in range(400):
            with table.lock:
                ahead.append(n - len(table.stored))
            yield n

    write_side_by_side(items(), table.write, writers=2, chunk=10)

    assert max(ahead) <= (2 * 2 + 1) * 10


def test_a_failed_chunk_fails_the_whole_write() -> None:
    def write(chunk: list[int]) -> int:
        if 50 in chunk:
            raise RuntimeError("throttled")
        return len(chunk)

    with pytest.raises(RuntimeError, match="throttled"):
        write_side_by_side(range(200), write, writers=2, chunk=10)


def test_nothing_to_write_writes_nothing() -> None:
    assert write_side_by_side([], lambda chunk: len(chunk)) == 0
