"""Exports written in the background, in memory: the jobs in a dict (each stored as a copy,
finished only while pending, as the DynamoDB table's conditional write does) and the files as
the bytes the S3 bucket would hold. A link is `memory:<key>`, which `download` reads."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TYPE_CHECKING

from careroute.adapters.export_files import ExportFile, export_file
from careroute.domain.errors import NotFoundError
from careroute.domain.export_jobs import ExportFormat, ExportJob, JobStatus, WrittenFile

if TYPE_CHECKING:
    from careroute.service_layer.export_tables import ExportTable

LINK_PREFIX = "memory:"


class MemoryExportJobs:
    def __init__(self) -> None:
        self._jobs: dict[str, ExportJob] = {}
        self._lock = threading.Lock()

    def add(self, job: ExportJob) -> None:
        with self._lock:
            self._jobs[job.job_id] = job

    def find(self, job_id: str) -> ExportJob | None:
        return self._jobs.get(job_id)

    def finish(self, job: ExportJob) -> bool:
        with self._lock:
            stored = self._jobs.get(job.job_id)
            if stored is None or stored.status is not JobStatus.PENDING:
                return False
            self._jobs[job.job_id] = job
            return True


class MemoryExportFiles:
    def __init__(self) -> None:
        self._files: dict[str, ExportFile] = {}

    def store(self, key: str, table: ExportTable, kind: ExportFormat) -> WrittenFile:
        written = export_file(table, kind)
        self._files[key] = written
        return WrittenFile(key, written.file_name, len(table.rows), len(written.body))

    def link(self, file: WrittenFile, lifetime: timedelta) -> str:
        return f"{LINK_PREFIX}{file.key}"

    def download(self, link: str) -> ExportFile:
        """The file a link leads to; NotFoundError for a link to nothing."""
        found = self._files.get(link.removeprefix(LINK_PREFIX))
        if found is None:
            raise NotFoundError(f"no file at {link}")
        return found
