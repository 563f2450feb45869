"""The template as plain frozen dataclasses: what the local stack creates and the pump drives.

One spec per table, queue, HTTP API and function, with each function's event sources; the
`Template` answers the wiring questions (which function consumes a queue or a stream, which
routes an API has) so that nothing in the local stack is hand-listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar


@dataclass(frozen=True)
class TableSpec:
    logical_id: str
    name: str
    arn: str
    key_schema: tuple[dict[str, str], ...]
    attribute_definitions: tuple[dict[str, str], ...]
    billing_mode: str = "PAY_PER_REQUEST"
    provisioned_throughput: dict[str, int] | None = None
    global_secondary_indexes: tuple[dict[str, Any], ...] = ()
    local_secondary_indexes: tuple[dict[str, Any], ...] = ()
    stream_view_type: str | None = None
    ttl_attribute: str | None = None

    @property
    def hash_key(self) -> str:
        return next(k["AttributeName"] for k in self.key_schema if k["KeyType"] == "HASH")

    @property
    def range_key(self) -> str | None:
        return next((k["AttributeName"] for k in self.key_schema if k["KeyType"] == "RANGE"), None)


@dataclass(frozen=True)
class QueueSpec:
    logical_id: str
    name: str
    arn: str
    url: str
    visibility_timeout: int = 30
    fifo: bool = False
    attributes: dict[str, str] = field(default_factory=dict)  # create_queue attributes
    dlq_logical_id: str | None = None
    max_receive_count: int | None = None


@dataclass(frozen=True)
class BucketSpec:
    """An S3 bucket the handlers write to (its encryption, access block and lifecycle are the
    cloud's: the local stack only serves the objects)."""

    logical_id: str
    name: str


@dataclass(frozen=True)
class HttpApiSpec:
    logical_id: str
    api_id: str
    stage_name: str = "$default"
    default_authorizer: str | None = None  # Auth.DefaultAuthorizer (a JWT authorizer's name)


@dataclass(frozen=True)
class ScheduleEvent:
    name: str
    type: str  # "ScheduleV2" (EventBridge Scheduler) or "Schedule" (EventBridge rule)
    expression: str  # cron(...), rate(...) or at(...)
    timezone: str = "UTC"
    input: str | None = None
    enabled: bool = True
    schedule_name: str = ""
    dlq_logical_id: str | None = None


@dataclass(frozen=True)
class SqsEvent:
    name: str
    queue_logical_id: str
    batch_size: int = 10
    report_batch_item_failures: bool = False
    maximum_batching_window: int = 0
    enabled: bool = True


@dataclass(frozen=True)
class StreamEvent:
    name: str
    table_logical_id: str
    batch_size: int = 100
    starting_position: str = "TRIM_HORIZON"
    bisect_on_error: bool = False
    maximum_retry_attempts: int = -1  # -1: until the record expires (AWS default)
    on_failure_queue_logical_id: str | None = None
    report_batch_item_failures: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class HttpApiEvent:
    name: str
    method: str  # upper case; "ANY" matches every method
    path: str  # "/stewards/{steward_id}/routes/{date}", or "$default"
    api_logical_id: str = "ServerlessHttpApi"
    payload_format_version: str = "2.0"
    authorizer: str | None = None  # Auth.Authorizer; "NONE" opts out of the API's default

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True)
class LogSubscriptionEvent:
    """A CloudWatch Logs subscription filter: a log group's lines matching `filter_pattern`
    delivered to the function in batches (asynchronous invocations)."""

    name: str
    log_group: str  # the log group's name
    filter_pattern: str  # "" matches every line
    filter_name: str = ""


Event = ScheduleEvent | SqsEvent | StreamEvent | HttpApiEvent | LogSubscriptionEvent
_E = TypeVar("_E", ScheduleEvent, SqsEvent, StreamEvent, HttpApiEvent, LogSubscriptionEvent)


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler_module: str  # "app" (or "pkg.module")
    handler_function: str  # "lambda_handler"
    timeout: int = 3
    memory_size: int = 128
    runtime: str = "python3.12"
    environment: dict[str, str] = field(default_factory=dict)
    layer_dirs: tuple[Path, ...] = ()
    events: tuple[Event, ...] = ()
    log_group: str = ""  # LoggingConfig.LogGroup, else /aws/lambda/<name>
    dead_letter_queue_logical_id: str | None = None  # DeadLetterQueue (asynchronous invokes)
    async_retry_attempts: int = 2  # EventInvokeConfig.MaximumRetryAttempts

    @property
    def handler_path(self) -> Path:
        return self.code_dir / (self.handler_module.replace(".", "/") + ".py")

    def events_of(self, kind: type[_E]) -> list[_E]:
        """The function's events of one source type, in template order."""
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def schedules(self) -> list[ScheduleEvent]:
        return self.events_of(ScheduleEvent)

    @property
    def http_events(self) -> list[HttpApiEvent]:
        return self.events_of(HttpApiEvent)


@dataclass(frozen=True)
class Template:
    path: Path
    stack_name: str
    region: str
    account_id: str
    parameters: dict[str, Any]
    tables: dict[str, TableSpec]
    queues: dict[str, QueueSpec]
    functions: dict[str, FunctionSpec]
    http_apis: dict[str, HttpApiSpec]
    buckets: dict[str, BucketSpec] = field(default_factory=dict)

    def triggers(self, kind: type[_E]) -> list[tuple[FunctionSpec, _E]]:
        """Every (function, event) pair of one source type, in template order."""
        return [(f, e) for f in self.functions.values() for e in f.events_of(kind)]

    def sqs_consumer(self, queue_logical_id: str) -> tuple[FunctionSpec, SqsEvent]:
        """The function (and its event) that consumes a queue; ValueError if none or many."""
        found = [
            (f, e) for f, e in self.triggers(SqsEvent) if e.queue_logical_id == queue_logical_id
        ]
        return _the_enabled_one(found, f"SQS consumer of {queue_logical_id}")

    def stream_consumer(self, table_logical_id: str) -> tuple[FunctionSpec, StreamEvent]:
        """The function (and its event) that consumes a table's stream."""
        found = [
            (f, e) for f, e in self.triggers(StreamEvent) if e.table_logical_id == table_logical_id
        ]
        return _the_enabled_one(found, f"stream consumer of {table_logical_id}")

    def http_routes(self) -> list[tuple[FunctionSpec, HttpApiEvent]]:
        return self.triggers(HttpApiEvent)


_Polled = TypeVar("_Polled", SqsEvent, StreamEvent)


def _the_enabled_one(
    found: list[tuple[FunctionSpec, _Polled]], what: str
) -> tuple[FunctionSpec, _Polled]:
    """The one enabled (function, event) pair; ValueError if there are none or several."""
    enabled = [(f, e) for f, e in found if e.enabled]
    if len(enabled) != 1:
        raise ValueError(f"expected exactly one {what} in the template, found {len(enabled)}")
    return enabled[0]
