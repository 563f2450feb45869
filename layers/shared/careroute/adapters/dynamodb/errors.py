"""Turn SDK failures into the domain's StorageError, logged once where they happen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException, TransactWriteError

from careroute.domain.errors import StorageError
from careroute.observability import logger

BOTO_ERRORS: tuple[type[Exception], ...] = (BotoCoreError, ClientError)
"""What a call through boto3 raises when AWS refuses it or cannot be reached (for a table or
bucket used through boto3 rather than pynamodb)."""
CONDITION_FAILED = "ConditionalCheckFailedException"
"""The error code of a write whose condition did not hold."""


@contextmanager
def storage_errors(
    action: str, caught: tuple[type[Exception], ...] = (PynamoDBException,)
) -> Iterator[None]:
    """Re-raise pynamodb's errors (or those `caught`, for a table used through boto3) as
    StorageError naming the action (no item contents logged)."""
    try:
        yield
    except caught as exc:
        logger.exception("storage failure", extra={"action": action})
        raise StorageError(f"storage failed while trying to {action}") from exc


def failed_conditions(exc: TransactWriteError) -> list[bool]:
    """Per action of a cancelled transaction: did its condition fail? (in action order)"""
    return [
        reason is not None and reason.code == "ConditionalCheckFailed"
        for reason in exc.cancellation_reasons or []
    ]
