"""One Logger, Tracer and Metrics for every function; service name from POWERTOOLS_* env.

The Logger writes through `RedactingFormatter`, so personal data cannot reach CloudWatch
through a log call: personal keys are redacted at any depth, and exception messages,
which are free text and may quote an elder, are dropped (type and frames are kept).

The Tracer loads the X-Ray SDK only when tracing is on (see `traced`): the SDK builds a
botocore session and an X-Ray client when imported outside Lambda, a quarter of a second
of every cold start locally, in tests and in the benchmarks, where nothing is traced.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

if TYPE_CHECKING:
    from aws_lambda_powertools.logging.types import LogRecord

REDACTED = "[redacted]"

PERSONAL_KEYS: frozenset[str] = frozenset(
    {
        "name",
        "address",
        "phone",
        "guardian",
        "guardian_phone",
        "national_id",
        "id_number",
        "notes",
        "note",
        "birth_date",
        "lat",
        "lng",
        "location",
    }
)
"""Log field names whose values are elders' (or stewards') personal or health data.

Elders' identity, home, contact details, position and visit notes are personal data under
PIPL and must not leave the system through logs. Matching is by exact key,
case-insensitive. Ids such as elder_id, steward_id and community_id are opaque and stay.
"""


def redact(value: Any) -> Any:
    """`value` with every personal key's value replaced, through nested dicts and lists.

    A string holding a JSON object or array (an event body, say) is redacted inside too.
    """
    if isinstance(value, dict):
        return {
            key: REDACTED if str(key).lower() in PERSONAL_KEYS else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact(item) for item in value]
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        cleaned = redact(decoded)
        return value if cleaned == decoded else json.dumps(cleaned, ensure_ascii=False)
    return value


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """`exc` and the exceptions it was raised from or during, oldest first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return chain[::-1]


class RedactingFormatter(LambdaPowertoolsFormatter):
    """The Powertools JSON formatter with personal data and exception messages removed."""

    def serialize(self, log: LogRecord) -> str:
        cleaned = redact(dict(log))
        if "location" in log:
            # The source location ("funcName:lineno"): Powertools drops a top-level
            # `extra` of that name, so here it is never personal.
            cleaned["location"] = log["location"]
        if isinstance(cleaned.get("stack_trace"), dict):
            cleaned["stack_trace"] = {**cleaned["stack_trace"], "value": REDACTED}
        if "exception_notes" in cleaned:
            cleaned["exception_notes"] = [REDACTED]
        return super().serialize(cleaned)

    def formatException(self, ei: Any) -> str:
        """The traceback with each exception's message replaced: frames and types only."""
        parts: list[str] = []
        if not isinstance(ei[1], BaseException):
            return REDACTED
        for exc in _exception_chain(ei[1]):
            if parts:
                parts.append("\nThe above exception led to the following exception:\n\n")
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(exc.__traceback__))
            parts.append(f"{type(exc).__module__}.{type(exc).__qualname__}: {REDACTED}")
        return "".join(parts)


class _UntracedSegment(BaseSegment):
    """A trace segment that records nothing, as the X-Ray SDK's own when it is disabled."""

    def close(self, end_time: int | None = None) -> None:
        pass

    def add_subsegment(self, subsegment: Any) -> None:
        pass

    def remove_subsegment(self, subsegment: Any) -> None:
        pass

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        pass


class Untraced(BaseProvider):
    """The Tracer's provider when tracing is off: the handlers' subsegments record nothing,
    and the X-Ray SDK is never imported."""

    @contextmanager
    def in_subsegment(self, name: Any = None, **kwargs: Any) -> Iterator[BaseSegment]:
        yield _UntracedSegment()

    @asynccontextmanager
    async def in_subsegment_async(
        self, name: Any = None, **kwargs: Any
    ) -> AsyncIterator[BaseSegment]:
        yield _UntracedSegment()

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def patch(self, modules: Sequence[str]) -> None:
        pass

    def patch_all(self) -> None:
        pass


def traced() -> Tracer:
    """Powertools' Tracer on X-Ray when tracing is on; on `Untraced` when it is off.

    Off by Powertools' own rule: POWERTOOLS_TRACE_DISABLED set, or not running in Lambda
    (no LAMBDA_TASK_ROOT), or under SAM local or Chalice.
    """
    if Tracer._is_tracer_disabled():
        return Tracer(disabled=True, provider=Untraced())
    return Tracer()


logger = Logger(logger_formatter=RedactingFormatter())
tracer = traced()
metrics = Metrics()
