"""A batch request (BatchGetItem, BatchWriteItem) sent again for what DynamoDB left
unprocessed (throttled), as the SDK's guides ask: with a growing wait, a few times."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from careroute.domain.errors import StorageError

TRIES = 6
"""Requests sent while DynamoDB leaves keys unprocessed, waiting 50 ms, then twice as long
each time."""


def until_processed(
    send: Callable[[dict[str, Any]], dict[str, Any]],
    request: dict[str, Any],
    unprocessed: str,
    action: str,
) -> Iterator[dict[str, Any]]:
    """Each answer to `send(request)`, then to `send` of what the answer's `unprocessed`
    (UnprocessedKeys, UnprocessedItems) held, until nothing is left; StorageError after
    `TRIES` requests still leaving some."""
    for attempt in range(TRIES):
        if attempt:
            time.sleep(0.05 * 2 ** (attempt - 1))
        answer = send(request)
        yield answer
        request = answer.get(unprocessed) or {}
        if not request:
            return
    raise StorageError(f"{action}: left unprocessed {TRIES} times")
