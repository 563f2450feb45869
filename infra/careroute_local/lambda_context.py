"""A Lambda context object for handlers called in-process by the local event pump.

Handlers (and powertools' Logger/Metrics/idempotency) read the context: the function name and
ARN, the request id, the remaining time. Lambda builds one per invocation; so does the pump,
from the function's spec in template.yaml (name, memory, Timeout).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from careroute_local.template import FunctionSpec

__all__ = ["LocalLambdaContext"]


@dataclass
class LocalLambdaContext:
    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    identity: Any = None
    client_context: Any = None
    tenant_id: str | None = None
    started_at: float = field(default_factory=time.monotonic)

    @classmethod
    def for_function(cls, spec: FunctionSpec) -> LocalLambdaContext:
        """A fresh context (new request id, full time budget) for one invocation."""
        return cls(
            function_name=spec.name,
            invoked_function_arn=spec.arn,
            memory_limit_in_mb=spec.memory_size,
            timeout_seconds=spec.timeout,
        )

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        day = datetime.now(UTC).strftime("%Y/%m/%d")
        instance = uuid.uuid5(uuid.NAMESPACE_OID, self.function_name).hex
        return f"{day}/[{self.function_version}]{instance}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started_at
        return max(0, int((self.timeout_seconds - elapsed) * 1000))
