"""Job queues on SQS: one message per job (a community's, an inspection district's or a
canteen's day)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from careroute.domain.errors import StorageError
from careroute.observability import logger

SQS_BATCH = 10

Job = TypeVar("Job", bound=BaseModel)


def send_plan_jobs(queue_url: str, jobs: Iterable[BaseModel]) -> int:
    """Send every job; raises StorageError if any message could not be sent."""
    import boto3  # here: most functions that import this module never send (~15 ms at import)

    client = boto3.client("sqs")
    batch: list[BaseModel] = []
    sent = 0

    def flush() -> int:
        entries = [
            {"Id": str(i), "MessageBody": job.model_dump_json()} for i, job in enumerate(batch)
        ]
        try:
            response = client.send_message_batch(QueueUrl=queue_url, Entries=entries)
        except (BotoCoreError, ClientError) as exc:
            logger.exception("plan job send failed")
            raise StorageError("could not send plan jobs") from exc
        if response.get("Failed"):
            codes = sorted({f.get("Code", "?") for f in response["Failed"]})
            raise StorageError(f"{len(response['Failed'])} plan jobs were not sent: {codes}")
        return len(entries)

    for job in jobs:
        batch.append(job)
        if len(batch) == SQS_BATCH:
            sent += flush()
            batch.clear()
    if batch:
        sent += flush()
    return sent


class SqsJobs(Generic[Job]):
    """A job queue on SQS (the JobQueue port)."""

    def __init__(self, queue_url: str) -> None:
        self._queue_url = queue_url

    def send(self, jobs: Iterable[Job]) -> int:
        return send_plan_jobs(self._queue_url, jobs)
