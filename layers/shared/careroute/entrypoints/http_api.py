"""What every HTTP API function sets up the same way, written once.

At cold start a function binds its tables and builds a validating resolver with the one error
shape
(careroute.entrypoints.http_errors); each route reads the verified caller from the JWT claims. The
path and query parameter types here are shared so that a steward id, a date or a month is
validated (and documented in /openapi.json) alike by every function. A write that is stored
once per Idempotency-Key answers 201 the first time and 200 for a retry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.domain.access import Caller
from careroute.entrypoints.http_errors import register_error_handlers
from careroute.observability import logger, metrics, tracer
from careroute.messages.visits import ID_PATTERN

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
PathId = Annotated[str, Path(pattern=ID_PATTERN)]
"""A steward, elder, community, worker, ... id in the path."""
PathDay = Annotated[date, Path()]
"""A date (YYYY-MM-DD) in the path."""
ScopeQuery = Annotated[
    str, Query(description="city, district:ID, street:ID or community:ID", max_length=80)
]
"""A scope the caller reads (city, district, street or community)."""
IdempotencyHeader = Annotated[str | None, Header(alias="idempotency-key")]
"""The client's key for a write stored once; checked by services.visits.check_idempotency_key."""


def new_resolver() -> APIGatewayHttpResolver:
    """A validating resolver answering every error in the one shape."""
    app = APIGatewayHttpResolver(enable_validation=True)
    register_error_handlers(app)
    return app


def caller_of(app: APIGatewayHttpResolver) -> Callable[[], Caller]:
    """`caller()`: the verified caller of the request `app` is handling now."""

    def caller() -> Caller:
        return Caller.from_claims(app.current_event.request_context.authorizer.jwt_claim)

    return caller


Entry = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def http_entry(handler: Entry) -> Entry:
    """An API function's Lambda entry, observed: logs carry the request's correlation id, the
    invocation is traced and the metrics it added are flushed."""
    logged = logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    entry: Entry = logged(tracer.capture_lambda_handler(metrics.log_metrics(handler)))
    return entry


def json_response(status: HTTPStatus, body: Any) -> Response[str]:
    text = json.dumps(body, ensure_ascii=False)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=text)


def stored_once(body: Any, created: bool) -> Response[str]:
    """201 with `body` when this request stored it, 200 when a retry found it stored."""
    return json_response(HTTPStatus.CREATED if created else HTTPStatus.OK, body)
