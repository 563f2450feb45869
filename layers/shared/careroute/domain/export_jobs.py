"""An export written in the background: a city's or a district's whole ticket list is
thousands of rows, too long to read and write inside one HTTP answer, so the caller asks for
the file, a worker writes it into a private bucket, and the caller reads the job until the
file is there (then a short-lived link to it) or the job says why it failed.

A job belongs to who asked for it (the token's subject, role and scope): nobody else reads it
or its file. The job and its file are kept a day; a link to the file lasts minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from careroute.domain.access import Caller, Role

KEPT_FOR = timedelta(days=1)
"""How long a job and its file are kept (the bucket's lifecycle rule deletes files after a
day too)."""
LINK_LIFETIME = timedelta(minutes=10)
"""How long a download link given by the job's status stays valid."""
WRITING_TIMEOUT = timedelta(minutes=20)
"""A job still pending this long after it was asked for will not be written (the worker's
tries ran out): its status says it failed."""


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class JobStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class WrittenFile:
    """Where a finished job's file is kept, its name (the download's), rows and bytes."""

    key: str
    name: str
    rows: int
    size: int


@dataclass(frozen=True)
class ExportJob:
    """One asked-for export: the tickets of `scope` with `list_status` (and `source`) as
    `format`, asked by `owner` acting as `role` in `owner_scope`."""

    job_id: str
    owner: str
    role: Role
    owner_scope: str
    scope: str
    list_status: str
    source: str | None
    format: ExportFormat
    asked_at: datetime
    file_key: str
    """Where the file goes: fixed when the job is asked for, so a retried write replaces the
    same object; random, so nobody can guess it."""
    status: JobStatus = JobStatus.PENDING
    file: WrittenFile | None = None
    error: str = ""
    finished_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.status is JobStatus.DONE and self.file is None:
            raise ValueError("a done export job names its file")
        if self.status is JobStatus.FAILED and not self.error:
            raise ValueError("a failed export job says why")

    @property
    def expires_at(self) -> datetime:
        return self.asked_at + KEPT_FOR

    @property
    def asker(self) -> Caller:
        """The caller the file is written for: the list holds what they may read."""
        return Caller(self.owner, self.role, self.owner_scope)

    def belongs_to(self, who: Caller) -> bool:
        return (who.subject, who.role, who.scope) == (self.owner, self.role, self.owner_scope)

    def as_seen(self, now: datetime) -> ExportJob:
        """The job as its status read tells it: a job pending past the writing timeout failed."""
        if self.status is JobStatus.PENDING and now - self.asked_at > WRITING_TIMEOUT:
            minutes = int(WRITING_TIMEOUT.total_seconds() // 60)
            reason = f"the file was not written within {minutes} minutes; ask for it again"
            return replace(self, status=JobStatus.FAILED, error=reason)
        return self
