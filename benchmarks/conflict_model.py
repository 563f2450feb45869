"""DynamoDB's transaction conflicts, modelled from the write sets a projector run captured.

moto runs one transaction at a time (its server holds one lock over every write, see
careroute_local/moto_patches.py; moto itself has no TransactionConflict at all), so the local
stack never shows a conflict. The conflicts DynamoDB would raise are modelled from the real
write sets each run captured (every TransactWriteItems' item keys, per record, in order): N
shards replay their records on a timeline with DynamoDB's latencies (`--call-ms`, `--tx-ms`,
`--cpu-ms`), and a transaction that names an item another shard's transaction holds at that
moment is cancelled; the record is retried after `--retry-ms`, and parked after 5 retries,
as the event source mapping does. Records arrive all at once (a backlog) or as a Poisson
stream (the evening peak). Used by `projector_shards.py`.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_RETRIES = 5  # the template's MaximumRetryAttempts


@dataclass
class RecordTrace:
    """One delivery of a record to the handler: its DynamoDB calls in order, each either
    a single call ("call", ()) or a transaction ("tx") with the items it names."""

    visit_id: str
    steps: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class Modelled:
    conflicts: int = 0
    record_retries: int = 0
    parked: int = 0
    records: int = 0
    seconds: float = 0.0
    on: Counter[str] = field(default_factory=Counter)
    """Conflicts by the kind of item they met on (city counter, district counter, ...)."""


def item_kind(key: str) -> str:
    table, pk, *_ = key.split("|")
    if "#" not in pk:
        return table
    head = pk.split("#", 1)[0]
    if head in ("marker", "registry", "tickets"):
        scope = pk.rsplit("#", 1)[-1].split(":")[0] if head != "marker" else ""
        return f"{head} {scope}".strip()
    return f"counter {pk.split('#', 1)[1].split(':')[0]}"


def model(
    shards: list[list[RecordTrace]], args: Any, arrivals_per_second: float | None
) -> Modelled:
    """Replay each shard's records (their calls and transactions as traced) on DynamoDB's
    timing; a transaction naming an item another shard's transaction holds is cancelled
    and its record retried from the start (`--retry-ms` later), parked after MAX_RETRIES.
    `arrivals_per_second`: records reach the stream at that rate (else all at once)."""
    rng = random.Random(args.seed)
    out = Modelled()
    held: dict[str, tuple[float, int]] = {}  # item -> (held until, by which shard)
    total = sum(len(shard) for shard in shards)
    queues: list[list[tuple[float, RecordTrace]]] = []  # per shard: (arrival, record)
    for shard in shards:
        clock, queue = 0.0, []
        for trace in shard:  # a Poisson stream split by visit id: each shard's share of it
            if arrivals_per_second:
                clock += rng.expovariate(arrivals_per_second * len(shard) / total)
            queue.append((clock, trace))
        queues.append(queue)
    # state per shard: (record index, step index, attempts); heap of (time, shard)
    state = [[0, 0, 0] for _ in shards]
    heap = [(q[0][0], s) for s, q in enumerate(queues) if q]
    heapq.heapify(heap)
    cpu, call, tx = args.cpu_ms / 1000, args.call_ms / 1000, args.tx_ms / 1000
    end = 0.0
    while heap:
        now, s = heapq.heappop(heap)
        record, step, attempts = state[s]
        trace = queues[s][record][1]
        if step == 0:
            now = max(now, queues[s][record][0]) + cpu
        if step < len(trace.steps):
            kind, keys = trace.steps[step]
            if kind == "call":
                state[s][1] += 1
                heapq.heappush(heap, (now + call, s))
                continue
            busy = [k for k in keys if k in held and held[k][0] > now and held[k][1] != s]
            if not busy:
                for key in keys:
                    held[key] = (now + tx, s)
                state[s][1] += 1
                heapq.heappush(heap, (now + tx, s))
                continue
            out.conflicts += 1
            out.on[item_kind(busy[0])] += 1
            if attempts < MAX_RETRIES:
                out.record_retries += 1
                state[s] = [record, 0, attempts + 1]
                heapq.heappush(heap, (now + tx + args.retry_ms / 1000, s))
                continue
            out.parked += 1
        out.records += 1
        end = max(end, now)
        state[s] = [record + 1, 0, 0]
        if record + 1 < len(queues[s]):
            heapq.heappush(heap, (max(now, queues[s][record + 1][0]), s))
    out.seconds = end
    return out


def per_thousand(modelled: Modelled) -> str:
    return f"{1000 * modelled.conflicts / max(modelled.records, 1):.1f}"
