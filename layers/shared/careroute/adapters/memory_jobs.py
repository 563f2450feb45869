"""A job queue in memory: what was sent waits until taken (by a test or a simulation's
worker loop), oldest first. Each job goes through JSON, as over SQS, so a sender changing a
job after sending changes nothing queued."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from pydantic import BaseModel

Job = TypeVar("Job", bound=BaseModel)


class MemoryJobs(Generic[Job]):
    def __init__(self, model: type[Job]) -> None:
        self._model = model
        self._bodies: list[str] = []

    def send(self, jobs: Iterable[Job]) -> int:
        """Queue every job; the count queued."""
        bodies = [job.model_dump_json() for job in jobs]
        self._bodies.extend(bodies)
        return len(bodies)

    def take_all(self) -> list[Job]:
        """Every job waiting, oldest first; the queue is empty afterwards."""
        taken = [self._model.model_validate_json(body) for body in self._bodies]
        self._bodies.clear()
        return taken
