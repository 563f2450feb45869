"""What the functions that ask for, write and read background exports build at cold start:
the jobs' table, the files' bucket and the worker's queue, named by the environment
(template.yaml's ExportJobsTable, ExportFilesBucket and ExportJobsQueue)."""

from __future__ import annotations

from dataclasses import dataclass

from careroute.adapters.dynamodb.export_jobs import DynamoExportJobs
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.adapters.export_bucket import S3ExportFiles
from careroute.entrypoints.config import required_env
from careroute.messages.export_jobs import ExportJobMessage
from careroute.service_layer.export_jobs import ExportJobPorts


@dataclass(frozen=True)
class ExportSettings:
    jobs_table: str
    """EXPORT_JOBS_TABLE: one item per export job."""
    bucket: str
    """EXPORT_BUCKET: the private bucket the files are written to."""
    queue_url: str
    """EXPORT_JOBS_QUEUE_URL: the worker's queue."""

    @classmethod
    def from_env(cls) -> ExportSettings:
        jobs_table, bucket, queue_url = required_env(
            "EXPORT_JOBS_TABLE", "EXPORT_BUCKET", "EXPORT_JOBS_QUEUE_URL"
        )
        return cls(jobs_table, bucket, queue_url)


def export_job_ports() -> ExportJobPorts:
    """The background exports' ports on DynamoDB, SQS and S3, from the environment."""
    settings = ExportSettings.from_env()
    return ExportJobPorts(
        DynamoExportJobs(settings.jobs_table),
        SqsJobs[ExportJobMessage](settings.queue_url),
        S3ExportFiles(settings.bucket),
    )
