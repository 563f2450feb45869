"""The projector's dead letters in memory: failed visit batches kept until a replay of each
returns, with the behaviour of the SQS adapter (`tests/contract/` checks both)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from careroute.domain.vocabulary import VisitRecord
from careroute.service_layer.ports import Replayed


class MemoryFailedVisitBatches:
    def __init__(self) -> None:
        self._batches: list[tuple[VisitRecord, ...]] = []

    def dead_letter(self, records: Iterable[VisitRecord]) -> None:
        """Keep a batch the projector gave up on (what the stream's OnFailure does)."""
        self._batches.append(tuple(records))

    def replay_each(
        self, replay: Callable[[Iterator[VisitRecord]], object], limit: int | None = None
    ) -> Replayed:
        moved = failed = 0
        kept: list[tuple[VisitRecord, ...]] = []
        for batch in self._batches:
            if limit is not None and moved + failed >= limit:
                kept.append(batch)
                continue
            try:
                replay(iter(batch))
            except Exception:
                failed += 1
                kept.append(batch)
                continue
            moved += 1
        self._batches = kept
        return Replayed(moved=moved, left=len(kept))
