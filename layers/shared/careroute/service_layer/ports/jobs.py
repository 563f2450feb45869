"""The job queues the nightly fan-outs send to: one port, typed by its job (a community's,
an inspection district's or a canteen's day)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from pydantic import BaseModel

Job = TypeVar("Job", bound=BaseModel, contravariant=True)


class JobQueue(Protocol[Job]):
    def send(self, jobs: Iterable[Job]) -> int:
        """Send every job; the count sent. StorageError when any could not be sent."""
        ...
