"""The event pump: delivers schedules, SQS batches, stream records, HTTP requests and log lines
to handlers.

moto stores data but runs no code (without Docker), fires no schedules and serves no HTTP API.
This package plays the part of Lambda's pollers, EventBridge Scheduler and API Gateway for the
local stack: it calls THE SAME `functions/<name>/app.py:lambda_handler` that runs in Lambda,
with real Lambda event shapes, wired exactly as template.yaml says (batch sizes, partial batch
responses, visibility timeouts, redrive, bisection, retries, on-failure destinations, schedule
expressions and time zones, HTTP routes and stage). Nothing is hand-listed here.

One module per part, each keeping Lambda's semantics (so tests of retries and duplicates mean
something): `function_runner` (importing and calling a handler) and `worker_pool` (concurrency),
`schedules` and `schedule_expressions`, `queues` (SQS), `streams` and `stream_checkpoints`
(DynamoDB streams), `http_api`, `http_routes`, `http_events` and `http_server` (API Gateway),
`log_subscriptions` and `log_filters` (CloudWatch Logs subscription filters), and
`event_pump`, which puts them together.
"""

from careroute_local.pump.batches import DrainStats
from careroute_local.pump.event_pump import EventPump
from careroute_local.pump.function_runner import load_handler, load_module
from careroute_local.pump.http_events import HttpResponse
from careroute_local.pump.http_server import MAX_HTTP_BODY, LocalHttpServer
from careroute_local.pump.schedule_expressions import next_schedule_time

__all__ = [
    "MAX_HTTP_BODY",
    "DrainStats",
    "EventPump",
    "HttpResponse",
    "LocalHttpServer",
    "load_handler",
    "load_module",
    "next_schedule_time",
]
