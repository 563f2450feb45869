"""Export jobs on DynamoDB (template.yaml's ExportJobsTable): one item per job, keyed by its
id, holding who asked (the token's opaque subject, role and scope), what for, and the
outcome (the file's key, name, rows and bytes, or why it failed); no ticket data. A job is
finished by one UpdateItem conditional on its status still being pending, so a redelivered
job is finished once. DynamoDB's time to live deletes the item a day after it was asked for.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from careroute.adapters.aws_client import AwsClient
from careroute.adapters.dynamodb.errors import BOTO_ERRORS, CONDITION_FAILED, storage_errors
from careroute.domain.access import Role
from careroute.domain.export_jobs import ExportFormat, ExportJob, JobStatus, WrittenFile


def _text(value: str) -> dict[str, str]:
    return {"S": value}


def _stamp(moment: datetime) -> dict[str, str]:
    return {"S": moment.astimezone(UTC).isoformat()}


class DynamoExportJobs(AwsClient):
    service = "dynamodb"

    def __init__(self, table_name: str, client: Any = None) -> None:
        super().__init__(client)
        self.table_name = table_name

    def add(self, job: ExportJob) -> None:
        item = {
            "job_id": _text(job.job_id),
            "owner": _text(job.owner),
            "role": _text(job.role.value),
            "owner_scope": _text(job.owner_scope),
            "scope": _text(job.scope),
            "list_status": _text(job.list_status),
            "format": _text(job.format.value),
            "asked_at": _stamp(job.asked_at),
            "file_key": _text(job.file_key),
            "status": _text(job.status.value),
            "expires_at": {"N": str(int(job.expires_at.timestamp()))},
        }
        if job.source:
            item["source"] = _text(job.source)
        with storage_errors("store an export job", BOTO_ERRORS):
            self._client.put_item(TableName=self.table_name, Item=item)

    def find(self, job_id: str) -> ExportJob | None:
        with storage_errors("read an export job", BOTO_ERRORS):
            item = self._client.get_item(
                TableName=self.table_name, Key={"job_id": _text(job_id)}, ConsistentRead=True
            ).get("Item")
        return None if item is None else _job(item)

    def finish(self, job: ExportJob) -> bool:
        values: dict[str, dict[str, str]] = {
            "status": _text(job.status.value),
            "error": _text(job.error),
            "finished_at": _stamp(job.finished_at or job.asked_at),
        }
        if job.file is not None:
            values |= {
                "file_name": _text(job.file.name),
                "rows": {"N": str(job.file.rows)},
                "size": {"N": str(job.file.size)},
            }
        with storage_errors("finish an export job", BOTO_ERRORS):
            try:
                self._client.update_item(
                    TableName=self.table_name,
                    Key={"job_id": _text(job.job_id)},
                    UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in values),
                    ConditionExpression="#status = :pending",
                    ExpressionAttributeNames={f"#{k}": k for k in values},
                    ExpressionAttributeValues={f":{k}": v for k, v in values.items()}
                    | {":pending": _text(JobStatus.PENDING.value)},
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] == CONDITION_FAILED:
                    return False  # finished already (or gone)
                raise
        return True


def _job(item: dict[str, Any]) -> ExportJob:
    def text(name: str) -> str:
        return str(item.get(name, {}).get("S", ""))

    status = JobStatus(text("status"))
    written = None
    if status is JobStatus.DONE:
        written = WrittenFile(
            text("file_key"), text("file_name"), int(item["rows"]["N"]), int(item["size"]["N"])
        )
    finished = text("finished_at")
    return ExportJob(
        job_id=text("job_id"),
        owner=text("owner"),
        role=Role(text("role")),
        owner_scope=text("owner_scope"),
        scope=text("scope"),
        list_status=text("list_status"),
        source=text("source") or None,
        format=ExportFormat(text("format")),
        asked_at=datetime.fromisoformat(text("asked_at")),
        file_key=text("file_key"),
        status=status,
        file=written,
        error=text("error"),
        finished_at=datetime.fromisoformat(finished) if finished else None,
    )
