"""The ports of exports written in the background (careroute.domain.export_jobs): where the
jobs are kept, where their files go, and the queue that hands a job to the worker (a
`JobQueue[ExportJobMessage]`, careroute.service_layer.ports.jobs)."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from careroute.domain.export_jobs import ExportFormat, ExportJob, WrittenFile
from careroute.service_layer.export_tables import ExportTable


class ExportJobRepository(Protocol):
    def add(self, job: ExportJob) -> None:
        """Keep a new (pending) job until it expires."""
        ...

    def find(self, job_id: str) -> ExportJob | None:
        """The job as last stored; None for an unknown one (or one deleted on expiry)."""
        ...

    def finish(self, job: ExportJob) -> bool:
        """Store `job` done or failed if the stored one is still pending; False (nothing
        changed) when it was finished already, so a redelivered job is written once."""
        ...


class ExportFiles(Protocol):
    def store(self, key: str, table: ExportTable, kind: ExportFormat) -> WrittenFile:
        """Write `table` as `kind` (the bytes GET /exports/... answers) under `key`: the
        file appears whole or not at all, and storing the same key again replaces it."""
        ...

    def link(self, file: WrittenFile, lifetime: timedelta) -> str:
        """A URL that downloads the file, saved under its name, for `lifetime`."""
        ...
