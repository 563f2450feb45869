"""The background exports' ports, memory against the local stack (the template's
ExportJobsTable and ExportFilesBucket): a job is stored as asked for and read back equal; it
is finished once (a second finish, done or failed, changes nothing); an unknown job is None;
a stored file is the bytes the synchronous export writes, its link downloads it under the
export's name, and storing the same key again replaces it whole."""

from __future__ import annotations

import urllib.request
from dataclasses import replace
from datetime import timedelta

import pytest

from careroute.adapters.dynamodb.export_jobs import DynamoExportJobs
from careroute.adapters.export_bucket import S3ExportFiles
from careroute.adapters.export_files import export_file
from careroute.adapters.memory_exports import MemoryExportFiles, MemoryExportJobs
from careroute.domain.access import Role
from careroute.domain.export_jobs import (
    LINK_LIFETIME,
    ExportFormat,
    ExportJob,
    JobStatus,
    WrittenFile,
)
from careroute.service_layer.export_tables import Column, ExportTable
from careroute.service_layer.ports.export_jobs import ExportFiles, ExportJobRepository
from careroute_local.pump import EventPump
from tests.conftest import china_now
from tests.unit.test_export_jobs import contents

NOW = china_now().replace(microsecond=0)
COLUMNS = (Column("ticket_id", "工单编号"), Column("overdue", "是否超时"))


def a_job(job_id: str, source: str | None = None) -> ExportJob:
    return ExportJob(
        job_id, "sub-1", Role.DISTRICT_OFFICIAL, "D01", "district:D01", "open", source,
        ExportFormat.CSV, NOW, f"tickets/key-of-{job_id}",
    )  # fmt: skip


@pytest.fixture(params=["memory", "dynamodb"])
def jobs(request: pytest.FixtureRequest) -> ExportJobRepository:
    if request.param == "memory":
        return MemoryExportJobs()
    pump: EventPump = request.getfixturevalue("session_pump")
    pump.stack.reset()
    return DynamoExportJobs(pump.stack.table_name("ExportJobsTable"), pump.stack.client("dynamodb"))


@pytest.fixture(params=["memory", "s3"])
def files(request: pytest.FixtureRequest) -> ExportFiles:
    if request.param == "memory":
        return MemoryExportFiles()
    pump: EventPump = request.getfixturevalue("session_pump")
    return S3ExportFiles(pump.stack.template.buckets["ExportFilesBucket"].name)


def fetched(files: ExportFiles, link: str) -> tuple[bytes, str]:
    """What a link leads to, and the name a browser saves it under."""
    if isinstance(files, MemoryExportFiles):
        found = files.download(link)
        return found.body, found.disposition
    with urllib.request.urlopen(link, timeout=30) as response:
        return bytes(response.read()), str(response.headers["content-disposition"])


@pytest.mark.parametrize("source", [None, "benefit"])
def test_a_job_is_read_back_as_stored_and_finished_once(
    jobs: ExportJobRepository, source: str | None
) -> None:
    job = a_job(f"job-{source}", source)
    assert jobs.find(job.job_id) is None
    jobs.add(job)
    assert jobs.find(job.job_id) == job
    written = WrittenFile(job.file_key, "tickets_district-D01_open.csv", 7001, 1_213_599)
    done = replace(job, status=JobStatus.DONE, file=written, finished_at=NOW + timedelta(seconds=4))
    assert jobs.finish(done)
    assert jobs.find(job.job_id) == done
    failed = replace(job, status=JobStatus.FAILED, error="too late", finished_at=NOW)
    assert not jobs.finish(failed)
    assert not jobs.finish(done)
    assert jobs.find(job.job_id) == done


def test_a_failed_job_keeps_why_and_an_unknown_job_is_not_finished(
    jobs: ExportJobRepository,
) -> None:
    job = a_job("job-failed")
    jobs.add(job)
    failed = replace(
        job, status=JobStatus.FAILED, error="district_official D01 may not read", finished_at=NOW
    )
    assert jobs.finish(failed)
    assert jobs.find(job.job_id) == failed
    assert not jobs.finish(replace(a_job("job-never-asked"), status=JobStatus.FAILED, error="x"))
    assert jobs.find("job-never-asked") is None


@pytest.mark.parametrize("kind", list(ExportFormat))
def test_a_stored_file_is_the_exports_file_under_its_name_and_a_second_store_replaces_it(
    files: ExportFiles, kind: ExportFormat
) -> None:
    table = ExportTable("tickets_city_open", "跟踪工单", COLUMNS, [("tk-1", True), ("=1+1", False)])
    key = f"tickets/contract-{kind}"
    written = files.store(key, table, kind)
    expected = export_file(table, kind)
    assert written == WrittenFile(key, f"tickets_city_open.{kind}", 2, len(expected.body))
    body, disposition = fetched(files, files.link(written, LINK_LIFETIME))
    assert disposition == f'attachment; filename="tickets_city_open.{kind}"'
    assert len(body) == written.size
    assert contents(body, kind) == contents(expected.body, kind)

    shorter = replace(table, rows=[("tk-2", False)])
    again = files.store(key, shorter, kind)
    assert again.rows == 1
    body, _ = fetched(files, files.link(again, LINK_LIFETIME))
    assert contents(body, kind) == contents(export_file(shorter, kind).body, kind)
