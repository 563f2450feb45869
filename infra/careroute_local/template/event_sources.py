"""The event sources of a function (its SAM `Events`) as specs the local pump can drive.

ScheduleV2/Schedule, SQS, DynamoDB streams, HttpApi and CloudWatchLogs events, with the
defaults Lambda and SAM apply; other event types (Api, S3, SNS, ...) are skipped, since
nothing local delivers them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from careroute_local.template.intrinsics import (
    HTTP_API_TYPE,
    QUEUE_TYPE,
    TABLE_TYPES,
    Resolver,
    target_logical_id,
)
from careroute_local.template.specs import (
    Event,
    HttpApiEvent,
    LogSubscriptionEvent,
    ScheduleEvent,
    SqsEvent,
    StreamEvent,
)


def function_event(
    r: Resolver, fn_logical_id: str, fn_name: str, name: str, event: Mapping[str, Any]
) -> Event | None:
    """One of a function's `Events` as a spec; None for a type the local pump does not drive."""
    etype = event.get("Type")
    raw = dict(event.get("Properties") or {})
    if etype in ("ScheduleV2", "Schedule"):
        props = r.resolve(raw)
        dlq_arn = (raw.get("DeadLetterConfig") or {}).get("Arn")
        state = str(props.get("State", "ENABLED")).upper()
        enabled = bool(props.get("Enabled", True)) and state == "ENABLED"
        return ScheduleEvent(
            name=name,
            type=etype,
            expression=str(props["ScheduleExpression"]),
            timezone=str(props.get("ScheduleExpressionTimezone", "UTC")),
            input=None if props.get("Input") is None else str(props["Input"]),
            enabled=enabled,
            schedule_name=str(props.get("Name") or f"{fn_logical_id}{name}"),
            dlq_logical_id=target_logical_id(r, dlq_arn, QUEUE_TYPE) if dlq_arn else None,
        )
    if etype == "SQS":
        props = r.resolve({k: v for k, v in raw.items() if k != "Queue"})
        return SqsEvent(
            name=name,
            queue_logical_id=target_logical_id(r, raw["Queue"], QUEUE_TYPE),
            batch_size=int(props.get("BatchSize", 10)),
            report_batch_item_failures=_reports_item_failures(props),
            maximum_batching_window=int(props.get("MaximumBatchingWindowInSeconds", 0)),
            enabled=bool(props.get("Enabled", True)),
        )
    if etype == "DynamoDB":
        props = r.resolve({k: v for k, v in raw.items() if k not in ("Stream",)})
        on_failure_raw = ((raw.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        )
        on_failure = None
        if on_failure_raw is not None:
            on_failure = target_logical_id(r, on_failure_raw, QUEUE_TYPE)
        return StreamEvent(
            name=name,
            table_logical_id=target_logical_id(r, raw["Stream"], TABLE_TYPES),
            batch_size=int(props.get("BatchSize", 100)),
            starting_position=str(props.get("StartingPosition", "TRIM_HORIZON")),
            bisect_on_error=bool(props.get("BisectBatchOnFunctionError", False)),
            maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
            on_failure_queue_logical_id=on_failure,
            report_batch_item_failures=_reports_item_failures(props),
            enabled=bool(props.get("Enabled", True)),
        )
    if etype == "HttpApi":
        props = r.resolve({k: v for k, v in raw.items() if k not in ("ApiId", "Auth")})
        api = raw.get("ApiId")
        authorizer = (raw.get("Auth") or {}).get("Authorizer")
        return HttpApiEvent(
            name=name,
            method=str(props.get("Method", "ANY")).upper(),
            path=str(props.get("Path", "$default")),
            api_logical_id=(
                target_logical_id(r, api, HTTP_API_TYPE) if api else "ServerlessHttpApi"
            ),
            payload_format_version=str(props.get("PayloadFormatVersion", "2.0")),
            authorizer=str(authorizer) if authorizer else None,
        )
    if etype == "CloudWatchLogs":
        props = r.resolve(raw)
        return LogSubscriptionEvent(
            name=name,
            log_group=str(props["LogGroupName"]),
            filter_pattern=str(props.get("FilterPattern", "")),
            filter_name=f"{fn_logical_id}{name}",
        )
    return None  # event types the local pump does not drive (Api, S3, SNS, ...)


def _reports_item_failures(props: Mapping[str, Any]) -> bool:
    """FunctionResponseTypes: [ReportBatchItemFailures] (a partial batch response)."""
    return "ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or [])
