"""Export worker: SQS export jobs -> the whole ticket list written as CSV or XLSX -> the
private bucket; the job stored done (or failed, with why). Partial batch failures: a job
whose storage failed is retried alone, then dead-lettered."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from careroute.adapters.dynamodb.repositories import ticketing
from careroute.domain import clock
from careroute.entrypoints.batch_setup import sqs_entry
from careroute.entrypoints.export_setup import export_job_ports
from careroute.entrypoints.handler_setup import bound_settings, count_metrics
from careroute.messages.export_jobs import ExportJobMessage
from careroute.observability import logger
from careroute.service_layer.export_jobs import write_tickets_file

settings = bound_settings()
ports = export_job_ports()
tickets = ticketing()


def record_handler(record: SQSRecord) -> None:
    logger.append_keys(message_id=record.message_id)
    message = ExportJobMessage.model_validate_json(record.body)
    job = write_tickets_file(message.job_id, clock.now(), ports, tickets)
    if job is None:
        logger.info("export job unknown or expired", extra={"job_id": message.job_id})
        return
    written = job.file
    count_metrics(ExportsWritten=int(written is not None), ExportsFailed=int(bool(job.error)))
    logger.info(
        "export job finished",
        extra={
            "job_id": job.job_id,
            "status": job.status.value,
            "rows": written.rows if written else None,
            "bytes": written.size if written else None,
            "error": job.error or None,
        },
    )


lambda_handler = sqs_entry(record_handler)


cold_start.loaded()
