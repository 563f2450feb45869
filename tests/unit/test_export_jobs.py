"""The ticket export written in the background, on the memory adapters: asked for, it is a
pending job and one message on the queue; the worker writes the very bytes of the
synchronous export and stores the job done, once, however often the message comes; the
owner reads a link to the file, nobody else reads the job; a refused list fails with why, and
a job nobody wrote says so after the writing timeout."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest

from careroute.adapters import memory_visits
from careroute.adapters.export_files import export_file
from careroute.adapters.memory_exports import MemoryExportFiles, MemoryExportJobs
from careroute.adapters.memory_jobs import MemoryJobs
from careroute.domain.access import Caller, Role
from careroute.domain.coverage import registry_totals, scopes_of
from careroute.domain.errors import ForbiddenError, NotFoundError, StorageError
from careroute.domain.export_jobs import (
    KEPT_FOR,
    LINK_LIFETIME,
    WRITING_TIMEOUT,
    ExportFormat,
    ExportJob,
    JobStatus,
)
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.messages.export_jobs import ExportJobMessage
from careroute.service_layer.export_jobs import (
    ExportJobPorts,
    ask_for_tickets_file,
    export_job_status,
    write_tickets_file,
)
from careroute.service_layer.exports import TicketsAsked, tickets_export
from careroute.service_layer.tickets import TicketFilter, Ticketing
from tests.unit.conftest import STREET_AS_OF
from tests.unit.test_export_parts import street_tickets

FOUND = datetime.combine(STREET_AS_OF, time(10, 0), CHINA_TZ)
NOW = FOUND + timedelta(days=1)
ADMIN = Caller("sub-admin", Role.CITY_ADMIN, "")


@pytest.fixture
def tickets(one_street: Registry) -> Ticketing:
    """The street's open tickets (test_export_parts'), its scopes known to coverage."""
    ports = street_tickets(one_street)
    chains = {c.community_id: scopes_of(c.community_id, c.street_id, c.district_id)
              for c in one_street.communities}  # fmt: skip
    totals = registry_totals(one_street.elders, chains, STREET_AS_OF, load_policy())
    coverage = ports.coverage
    assert isinstance(coverage, memory_visits.MemoryCoverage)
    coverage.save_registry_totals(totals)
    return ports


@pytest.fixture
def jobs() -> ExportJobPorts:
    return ExportJobPorts(MemoryExportJobs(), MemoryJobs(ExportJobMessage), MemoryExportFiles())


def queued(jobs: ExportJobPorts) -> list[str]:
    queue = jobs.queue
    assert isinstance(queue, MemoryJobs)
    return [message.job_id for message in queue.take_all()]


def contents(body: bytes, kind: ExportFormat) -> dict[str, bytes]:
    """A file's contents: a CSV's bytes, an XLSX's members (its zip dates each by the clock)."""
    if kind is ExportFormat.CSV:
        return {"": body}
    with zipfile.ZipFile(io.BytesIO(body)) as xlsx:
        return {name: xlsx.read(name) for name in xlsx.namelist()}


def download(jobs: ExportJobPorts, link: str | None) -> bytes:
    files = jobs.files
    assert isinstance(files, MemoryExportFiles) and link is not None
    return files.download(link).body


@pytest.mark.parametrize("kind", list(ExportFormat))
@pytest.mark.parametrize("scope", ["city", "district:D01", "street:S001"])
def test_the_worker_writes_the_bytes_of_the_synchronous_export_once(
    tickets: Ticketing, jobs: ExportJobPorts, scope: str, kind: ExportFormat, one_street: Registry
) -> None:
    where = scope.replace("D01", one_street.communities[0].district_id).replace(
        "S001", one_street.communities[0].street_id
    )
    asked = TicketsAsked(where, TicketFilter.OPEN)
    job = ask_for_tickets_file(ADMIN, asked, kind, NOW, jobs, tickets)
    assert job.status is JobStatus.PENDING and job.file is None
    assert queued(jobs) == [job.job_id]
    assert export_job_status(ADMIN, job.job_id, NOW, jobs).status == "pending"

    done = write_tickets_file(job.job_id, NOW, jobs, tickets)
    assert done is not None and done.status is JobStatus.DONE and done.file is not None
    listed = tickets_export(ADMIN, asked, NOW, tickets).table
    whole = export_file(listed, kind)
    assert done.file.rows == len(listed.rows) >= 3
    assert done.file.name == whole.file_name == f"tickets_{where.replace(':', '-')}_open.{kind}"
    view = export_job_status(ADMIN, job.job_id, NOW + timedelta(minutes=1), jobs)
    assert (view.status, view.rows, view.bytes) == ("done", done.file.rows, len(whole.body))
    assert view.link_expires_at == NOW + timedelta(minutes=1) + LINK_LIFETIME
    assert contents(download(jobs, view.download_url), kind) == contents(whole.body, kind)

    again = write_tickets_file(job.job_id, NOW + timedelta(minutes=2), jobs, tickets)
    assert again == done  # a redelivered message writes nothing again


def test_a_job_is_its_owners_alone(tickets: Ticketing, jobs: ExportJobPorts) -> None:
    job = ask_for_tickets_file(
        ADMIN, TicketsAsked("city", TicketFilter.OPEN), ExportFormat.CSV, NOW, jobs, tickets
    )
    write_tickets_file(job.job_id, NOW, jobs, tickets)
    others = [
        Caller("sub-other-admin", Role.CITY_ADMIN, ""),
        Caller("sub-admin", Role.DISTRICT_OFFICIAL, "D01"),  # the same subject, another role
    ]
    for other in others:
        with pytest.raises(NotFoundError, match="no export job"):
            export_job_status(other, job.job_id, NOW, jobs)
    with pytest.raises(NotFoundError, match="no export job"):
        export_job_status(ADMIN, "no-such-job", NOW, jobs)
    with pytest.raises(NotFoundError, match="kept a day"):
        export_job_status(ADMIN, job.job_id, NOW + KEPT_FOR, jobs)


@pytest.mark.parametrize(
    ("who", "scope"),
    [(Caller("sub-w", Role.STEWARD, "W0001"), "city"),
     (Caller("sub-d", Role.DISTRICT_OFFICIAL, "D02"), "district:D01"),
     (Caller("sub-s", Role.STREET_OFFICIAL, "S002"), "city")],
)  # fmt: skip
def test_a_file_outside_the_callers_scope_is_refused_before_any_job(
    tickets: Ticketing, jobs: ExportJobPorts, who: Caller, scope: str
) -> None:
    with pytest.raises(ForbiddenError):
        ask_for_tickets_file(
            who, TicketsAsked(scope, TicketFilter.OPEN), ExportFormat.CSV, NOW, jobs, tickets
        )
    assert queued(jobs) == []


def test_a_scope_the_registry_does_not_have_gives_a_file_without_rows_as_the_get(
    tickets: Ticketing, jobs: ExportJobPorts
) -> None:
    asked = TicketsAsked("district:D99", TicketFilter.OPEN)
    job = ask_for_tickets_file(ADMIN, asked, ExportFormat.CSV, NOW, jobs, tickets)
    done = write_tickets_file(job.job_id, NOW, jobs, tickets)
    assert done is not None and done.file is not None and done.file.rows == 0
    listed = tickets_export(ADMIN, asked, NOW, tickets).table
    assert listed.rows == [] and done.file.size == len(export_file(listed, ExportFormat.CSV).body)


def test_a_refused_list_fails_the_job_with_why_and_writes_no_file(
    tickets: Ticketing, jobs: ExportJobPorts
) -> None:
    official = Caller("sub-d", Role.DISTRICT_OFFICIAL, "D01")
    asked = TicketsAsked("district:D01", TicketFilter.OPEN)
    job = ask_for_tickets_file(official, asked, ExportFormat.CSV, NOW, jobs, tickets)
    stored = jobs.jobs
    assert isinstance(stored, MemoryExportJobs)
    stored.add(replace(job, scope="district:D02"))  # as if the official's scope had been moved
    failed = write_tickets_file(job.job_id, NOW, jobs, tickets)
    assert failed is not None and failed.status is JobStatus.FAILED and failed.file is None
    view = export_job_status(official, job.job_id, NOW, jobs)
    assert view.status == "failed" and view.download_url is None
    assert view.error is not None and "could not be listed" in view.error


def test_a_job_nobody_wrote_fails_after_the_writing_timeout(
    tickets: Ticketing, jobs: ExportJobPorts
) -> None:
    job = ask_for_tickets_file(
        ADMIN, TicketsAsked("city", TicketFilter.OPEN), ExportFormat.XLSX, NOW, jobs, tickets
    )
    assert export_job_status(ADMIN, job.job_id, NOW + WRITING_TIMEOUT, jobs).status == "pending"
    late = export_job_status(ADMIN, job.job_id, NOW + WRITING_TIMEOUT + timedelta(seconds=1), jobs)
    assert late.status == "failed" and late.error is not None and "not written" in late.error


class KeptJobs(MemoryExportJobs):
    """The memory jobs, remembering the ids of the jobs added."""

    def __init__(self) -> None:
        super().__init__()
        self.added: list[str] = []

    def add(self, job: ExportJob) -> None:
        super().add(job)
        self.added.append(job.job_id)


class RefusingQueue:
    """A queue that cannot be reached (SQS throttling past its retries)."""

    def send(self, jobs: object) -> int:
        raise StorageError("could not send plan jobs")


def test_a_job_that_cannot_be_queued_is_stored_failed_and_the_caller_told_to_retry(
    tickets: Ticketing,
) -> None:
    stored = KeptJobs()
    jobs = ExportJobPorts(stored, RefusingQueue(), MemoryExportFiles())
    with pytest.raises(StorageError):
        ask_for_tickets_file(
            ADMIN, TicketsAsked("city", TicketFilter.OPEN), ExportFormat.CSV, NOW, jobs, tickets
        )
    (job_id,) = stored.added
    view = export_job_status(ADMIN, job_id, NOW, jobs)
    assert (view.status, view.error) == ("failed", "the export could not be queued; ask again")
