"""The audit of personal-data reads written as log lines, off the request's critical path.

Each read is one INFO line of the function's logger (`READ_LOGGED`, the `LoggedRead` under
`audit`) on its own child logger, kept at INFO whatever POWERTOOLS_LOG_LEVEL says: a quieter
log level never drops an audit line. CloudWatch Logs hands the lines to the audit writer
(template.yaml, AuditWriterFunction); the local stack does the same from its captured lines.
"""

from __future__ import annotations

import logging
import uuid

from careroute.domain.elder_history import Entry
from careroute.messages.audit import AUDIT_KEY, READ_LOGGED, LoggedRead
from careroute.observability import logger

audit_logger = logging.getLogger(f"{logger.name}.audit")
"""A child of the Powertools logger: its lines go out through the same JSON formatter."""
audit_logger.setLevel(logging.INFO)


def log_read(community_id: str, entry: Entry, elder_id: str | None = None) -> LoggedRead:
    """Log one read under a fresh id; the read logged."""
    read = LoggedRead.of(uuid.uuid4().hex, community_id, entry, elder_id)
    audit_logger.info(READ_LOGGED, extra={AUDIT_KEY: read.model_dump(mode="json")})
    return read
