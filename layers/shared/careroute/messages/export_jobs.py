"""An export written in the background (careroute.domain.export_jobs) as it crosses the edges:
the body that asks for it, the job's status as the API answers it, and the queue message that
tells the worker which job to write."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from careroute.domain.export_jobs import ExportFormat, ExportJob
from careroute.domain.tickets import TicketSource
from careroute.messages.base import Message


class TicketsFileBody(Message):
    """Which tickets the file holds (GET /tickets' filters) and in which format."""

    scope: str = Field(description="city, district:ID, street:ID or community:ID")
    status: str = Field(
        "open", pattern="^(open|overdue|closed|all)$", description="open, overdue, closed or all"
    )
    source: TicketSource | None = Field(
        None, description="visit, benefit, inspection or unreachable; absent: every source"
    )
    format: ExportFormat = Field(
        ExportFormat.CSV, description="csv (UTF-8 with a byte-order mark) or xlsx"
    )


class ExportJobView(Message):
    """An export job as its owner reads it: pending, done (with a short-lived link to the
    file) or failed (with why)."""

    job_id: str
    status: str = Field(description="pending, done or failed")
    scope: str
    list_status: str = Field(description="The tickets' status asked for (open, overdue, ...)")
    source: str | None = None
    format: str
    asked_at: datetime
    expires_at: datetime = Field(description="When the job and its file are deleted")
    file_name: str | None = None
    rows: int | None = None
    bytes: int | None = None
    download_url: str | None = Field(
        None,
        description="When done: the file, for a few minutes (read the job again for a new link)",
    )
    link_expires_at: datetime | None = None
    error: str | None = Field(None, description="When failed: why")

    @classmethod
    def of(
        cls, job: ExportJob, link: str | None = None, link_expires_at: datetime | None = None
    ) -> ExportJobView:
        written = job.file
        return cls(
            job_id=job.job_id,
            status=job.status.value,
            scope=job.scope,
            list_status=job.list_status,
            source=job.source,
            format=job.format.value,
            asked_at=job.asked_at,
            expires_at=job.expires_at,
            file_name=written.name if written else None,
            rows=written.rows if written else None,
            bytes=written.size if written else None,
            download_url=link,
            link_expires_at=link_expires_at,
            error=job.error or None,
        )


class ExportJobMessage(Message):
    """The worker's job: which export job to write (the rest is in the job's item)."""

    job_id: str
