"""What a drain of a queue or a stream reports, and how Lambda reads a batch's partial failures.

Both pollers deliver batches and settle them by the handler's `batchItemFailures`; they share
the reading of that reply and the counts they return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DrainStats:
    """What one drain did. `messages` counts deliveries (a retried message counts again)."""

    batches: int = 0  # handler invocations
    messages: int = 0  # messages / stream records delivered
    succeeded: int = 0  # deleted from the queue / checkpointed past
    failed: int = 0  # failed deliveries
    dead_lettered: int = 0  # moved to the DLQ (delta of its depth) / sent to OnFailure
    invisible_left: int = 0  # SQS: failed or delayed messages still invisible at the end
    errors: list[str] = field(default_factory=list)  # tracebacks of raised handler errors
    seconds: float = 0.0


def failed_items(result: Any, identifiers: list[str]) -> set[str]:
    """batchItemFailures as Lambda reads them: anything malformed fails the whole batch."""
    if result is None or not isinstance(result, dict):
        return set()
    failures = result.get("batchItemFailures")
    if not failures:
        return set()
    known = set(identifiers)
    failed: set[str] = set()
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in known:
            return known
        failed.add(identifier)
    return failed
