"""A ticket export written in the background: asked for (the answer comes at once, with the
job), written by a worker from the queue, and read back by its owner (pending, done with a
short-lived link, or failed with why).

The file holds what the synchronous export holds for the same caller and filters (the same
use case, `tickets_export`, run as the asker), so its bytes are the one answer's. The scope
is checked as GET /tickets checks it when the job is asked for, so a refused scope is a 403
at once, and again when it is written. A job is its owner's: anyone else reading it is told
it does not exist, so job ids leak nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from careroute.domain.access import Caller
from careroute.domain.errors import CareRouteError, NotFoundError, StorageError
from careroute.domain.export_jobs import (
    LINK_LIFETIME,
    ExportFormat,
    ExportJob,
    JobStatus,
)
from careroute.domain.tickets import TicketSource
from careroute.messages.export_jobs import ExportJobMessage, ExportJobView
from careroute.service_layer.exports import TicketsAsked, require_exporter, tickets_export
from careroute.service_layer.ports.export_jobs import ExportFiles, ExportJobRepository
from careroute.service_layer.ports.jobs import JobQueue
from careroute.service_layer.scope_access import readable_scope
from careroute.service_layer.tickets import TicketFilter, Ticketing


@dataclass(frozen=True)
class ExportJobPorts:
    jobs: ExportJobRepository
    queue: JobQueue[ExportJobMessage]
    files: ExportFiles


def ask_for_tickets_file(
    who: Caller,
    asked: TicketsAsked,
    kind: ExportFormat,
    now: datetime,
    ports: ExportJobPorts,
    tickets: Ticketing,
) -> ExportJob:
    """Keep a pending job for the tickets `asked` (every row: no part) and queue it for the
    worker. ForbiddenError at once for a scope the caller may not read (as GET /tickets: a
    scope the registry does not have gives a file without rows). If the job cannot be queued
    it is stored failed, and StorageError tells the caller to ask again."""
    require_exporter(who)
    readable_scope(who, asked.scope, tickets.scopes)
    job = ExportJob(
        job_id=secrets.token_urlsafe(16),
        owner=who.subject,
        role=who.role,
        owner_scope=who.scope,
        scope=asked.scope,
        list_status=asked.status.value,
        source=asked.source.value if asked.source else None,
        format=kind,
        asked_at=now,
        file_key=f"tickets/{secrets.token_urlsafe(24)}",
    )
    ports.jobs.add(job)
    try:
        ports.queue.send([ExportJobMessage(job_id=job.job_id)])
    except StorageError:
        ports.jobs.finish(_failed(job, "the export could not be queued; ask again", now))
        raise
    return job


def write_tickets_file(
    job_id: str, now: datetime, ports: ExportJobPorts, tickets: Ticketing
) -> ExportJob | None:
    """The worker: write a pending job's file, then store the job done. A job finished
    already (a redelivered message) is left as it is; an unknown or expired one is skipped
    (None). A refused list (the asker's scope no longer readable, a bad filter) stores the
    job failed with the reason; a storage failure raises, so the queue retries the job."""
    job = ports.jobs.find(job_id)
    if job is None or now >= job.expires_at:
        return None
    if job.status is not JobStatus.PENDING:
        return job
    try:
        asked = TicketsAsked(
            job.scope,
            TicketFilter(job.list_status),
            TicketSource(job.source) if job.source else None,
        )
        table = tickets_export(job.asker, asked, now, tickets).table
    except StorageError:
        raise
    except (CareRouteError, ValueError) as refused:
        finished = _failed(job, f"the tickets could not be listed: {refused}", now)
    else:
        written = ports.files.store(job.file_key, table, job.format)
        finished = replace(job, status=JobStatus.DONE, file=written, finished_at=now)
    if not ports.jobs.finish(finished):
        return ports.jobs.find(job_id)
    return finished


def export_job_status(
    who: Caller, job_id: str, now: datetime, ports: ExportJobPorts
) -> ExportJobView:
    """The caller's job as it stands: a done one with a link to its file valid for
    LINK_LIFETIME (read it again for a new one). NotFoundError for a job that is not the
    caller's, unknown or expired: the same answer, so nobody learns another's job exists."""
    job = ports.jobs.find(job_id)
    if job is None or not job.belongs_to(who) or now >= job.expires_at:
        raise NotFoundError(f"no export job {job_id} of yours (jobs are kept a day)")
    seen = job.as_seen(now)
    if seen.file is None:
        return ExportJobView.of(seen)
    link = ports.files.link(seen.file, LINK_LIFETIME)
    return ExportJobView.of(seen, link, now + LINK_LIFETIME)


def _failed(job: ExportJob, reason: str, now: datetime) -> ExportJob:
    return replace(job, status=JobStatus.FAILED, error=reason, finished_at=now)
