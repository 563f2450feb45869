"""Audit writer: the functions' audit log lines (a CloudWatch Logs subscription) -> the elder
history table, each read stored once under its read id however often a line is delivered.

The API logs a read of personal data instead of writing it on the request's critical path
(careroute.adapters.audit_log); this function is where those lines become the audit the
bureau queries (GET /audit/communities/{id}). A line the filter matched that is not a read
fails the invocation after the good ones are stored: Lambda retries the batch, then leaves it
in AuditDLQ for an operator, rather than an audit record going missing unseen.
"""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

import json
from typing import Any

from aws_lambda_powertools.utilities.data_classes import CloudWatchLogsEvent
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from careroute.adapters.dynamodb.repositories import LoggedReadAudit
from careroute.entrypoints.handler_setup import bound_settings, count_metrics, event_entry
from careroute.messages.audit import AUDIT_KEY, LoggedRead

settings = bound_settings()
audit = LoggedReadAudit()


def logged_read(message: str) -> LoggedRead | None:
    """The read a log line carries; None for a line that is not an audit line."""
    try:
        return LoggedRead.model_validate(json.loads(message)[AUDIT_KEY])
    except (ValueError, KeyError, TypeError, ValidationError):
        return None


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    lines = CloudWatchLogsEvent(event).parse_logs_data().log_events
    reads = [logged_read(line.message) for line in lines]
    kept = [read for read in reads if read is not None]
    stored = audit.keep_logged(kept)
    count_metrics(AuditReadsStored=stored, AuditLinesUnreadable=len(reads) - len(kept))
    if len(kept) < len(reads):
        raise ValueError(f"{len(reads) - len(kept)} log lines matched no audit read")
    return {"lines": len(lines), "stored": stored}


cold_start.loaded()
