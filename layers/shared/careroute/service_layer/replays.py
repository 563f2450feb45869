"""A write replayed under the same Idempotency-Key: answered with what the first one stored,
or refused when the key was used for another request (told apart by their fingerprints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from careroute.domain.errors import ConflictError, NotFoundError
from careroute.domain.fingerprints import fingerprint_of

S = TypeVar("S")


class Replayable:
    """A write's request, a frozen dataclass of plain values: its fields are its fingerprint."""

    def fingerprint(self) -> str:
        return fingerprint_of(self.__dict__)


def stored_before(read: Callable[[], tuple[S, str]], fingerprint: str, what: str) -> S | None:
    """What a replay of a write (the same Idempotency-Key and request) finds stored: `read()`
    gives the item and its request's fingerprint; None when nothing is stored under the key,
    ConflictError when another request was."""
    try:
        stored, stored_fingerprint = read()
    except NotFoundError:
        return None
    if stored_fingerprint != fingerprint:
        raise ConflictError(f"the Idempotency-Key was used for a different {what}")
    return stored
