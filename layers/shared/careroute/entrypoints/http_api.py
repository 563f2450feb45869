"""What every HTTP API function sets up the same way, written once.

At cold start a function binds its tables and builds a validating resolver with the one error
shape (careroute.entrypoints.http_errors); each route reads the verified caller from the JWT
claims. Routes are declared through `Routes`, so that every route of an area carries its tag,
documents the errors it may answer and is traced alike. The path and query parameter types here
are shared so that a steward id, a date or a month is validated (and documented in
/openapi.json) alike by every function.

A write is stored once per Idempotency-Key (a conditional put keyed by the caller and the key,
with the request's fingerprint): the first request and every replay of it answer the same, 201
with the stored resource (`stored_once`); a replay also says `Idempotent-Replayed: true`. The
same key with another body is 409 `conflict`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.openapi.types import (
    OpenAPIResponse,
    OpenAPIResponseContentModel,
    OpenAPIResponseContentSchema,
    OpenAPIResponseHeader,
)
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AfterValidator, BaseModel

from careroute.domain.access import Caller
from careroute.domain.errors import ValidationError
from careroute.entrypoints.handler_setup import Entry
from careroute.entrypoints.http_errors import register_error_handlers
from careroute.messages.errors import error_responses
from careroute.messages.visits import ID_PATTERN
from careroute.observability import logger, metrics, tracer

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


MONTH_YEARS = range(1900, 3000)
"""The years a month query may name: far from the ends of Python's dates (year 1..9999),
which a month's first and last day, a day either side and a time zone must stay within."""


def real_month(text: str) -> str:
    """A month of a year in MONTH_YEARS, written YYYY-MM with the month 01..12."""
    if not _MONTH.fullmatch(text) or int(text[:4]) not in MONTH_YEARS:
        first, last = MONTH_YEARS.start, MONTH_YEARS.stop - 1
        raise ValueError(
            f"must be a month YYYY-MM (year {first}-{last}, month 01-12), not {text!r}"
        )
    return text


def _real_month_or_none(text: str | None) -> str | None:
    return None if text is None else real_month(text)


PathId = Annotated[str, Path(pattern=ID_PATTERN)]
"""A steward, elder, community, worker, ... id in the path."""
PathDay = Annotated[date, Path()]
"""A date (YYYY-MM-DD) in the path."""
ScopeQuery = Annotated[
    str, Query(description="city, district:ID, street:ID or community:ID", max_length=80)
]
"""A scope the caller reads (city, district, street or community)."""
DistrictScopeQuery = Annotated[str, Query(description="city or district:ID", max_length=80)]
"""A scope of a flow planned per district (the city, or one district)."""
MonthQuery = Annotated[str, Query(description="YYYY-MM"), AfterValidator(real_month)]
"""A month (YYYY-MM) in the query."""
OptionalMonthQuery = Annotated[
    str | None,
    Query(description="YYYY-MM (default: this month)"),
    AfterValidator(_real_month_or_none),
]
"""A month (YYYY-MM) in the query, or none for this month."""
IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="idempotency-key",
        description="One key per write, e.g. a UUID (8-128 letters, digits, _ . : -); a replay "
        "with the same key and body answers as the first request did",
    ),
]
"""The client's key for a write stored once (checked by `check_idempotency_key`)."""
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")


def check_idempotency_key(key: str | None) -> str:
    """The Idempotency-Key header as given, or a 422 that says what a key must look like."""
    if key is None or not key.strip():
        raise ValidationError("the Idempotency-Key header is required (e.g. a UUID per visit)")
    if not IDEMPOTENCY_KEY.match(key):
        raise ValidationError(
            "Idempotency-Key must be 8-128 characters of letters, digits and _ . : -"
        )
    return key


REPLAYED = "Idempotent-Replayed"
"""The header that marks the answer to a replayed write."""

CALLER_ERRORS = (401, 403)
"""What any route may answer: no valid token, or the caller's role or scope does not allow it."""
INPUT_ERRORS = (*CALLER_ERRORS, 422)
"""What a route naming no stored item may answer (a scope's list, a whole document): bad input."""
READ_ERRORS = (*CALLER_ERRORS, 404, 422)
"""What reading one stored item may answer: not found, bad input."""
WRITE_ERRORS = (*CALLER_ERRORS, 404, 409, 422)
"""What a write may answer: a read's errors and 409 (a conflict, or a key reused)."""


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


Handler = Callable[..., Any]


def one_line(docstring: str | None) -> str | None:
    """A docstring as one line (its lines joined by single spaces), or None if there is none."""
    return " ".join(docstring.split()) if docstring else None


@dataclass(frozen=True)
class Routes:
    """One area's routes on a function's resolver. `route("GET", path)` declares a route as
    `app.route` does, and also tags it with the area, documents the errors it may answer (in
    ErrorBody's shape; by default a read's for GET, a write's for any other method) and traces
    it. The route's OpenAPI summary is the handler's docstring (as one line) unless `summary`
    is given, so what a route does is written once, where a reader of the handler looks."""

    app: APIGatewayHttpResolver
    tag: str

    def __call__(
        self,
        method: str,
        path: str,
        summary: str | None = None,
        errors: tuple[int, ...] | None = None,
        **options: Any,
    ) -> Callable[[Handler], Handler]:
        if errors is None:
            errors = READ_ERRORS if method == "GET" else WRITE_ERRORS
        responses = options.pop("responses", {}) | error_responses(*errors)

        def register(handler: Handler) -> Handler:
            text = summary if summary is not None else one_line(handler.__doc__)
            declare = self.app.route(
                path, method, summary=text, responses=responses, tags=[self.tag], **options
            )
            declared: Handler = declare(tracer.capture_method(handler))
            return declared

        return register


def area_api(tag: str) -> tuple[APIGatewayHttpResolver, Callable[[], Caller], Routes]:
    """What an API function serving one area sets up at cold start: its resolver
    (`new_resolver`), `caller()` for the request it handles (`caller_of`) and the area's route
    declarations (`Routes`, tagged `tag`)."""
    app = new_resolver()
    return app, caller_of(app), Routes(app, tag)


def request_id(event: dict[str, Any]) -> str | None:
    """The request's id (requestContext.requestId), or None: what Powertools' correlation path
    for an HTTP API finds, read without a JMESPath search per request."""
    context = event.get("requestContext")
    found = context.get("requestId") if isinstance(context, dict) else None
    return found if isinstance(found, str) else None


def http_handler(app: APIGatewayHttpResolver) -> Entry:
    """An API function's Lambda entry: `app` resolves each request, observed: logs carry the
    request's correlation id, the invocation is traced and the metrics it added are flushed."""

    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    observed = logger.inject_lambda_context(
        tracer.capture_lambda_handler(metrics.log_metrics(lambda_handler))
    )

    def entry(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        logger.set_correlation_id(request_id(event))
        answer: dict[str, Any] = observed(event, context)
        return answer

    return entry


def json_response(status: HTTPStatus, body: Any) -> Response[str]:
    text = json.dumps(body, ensure_ascii=False)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=text)


def stored_once(body: Any, created: bool, metric: str) -> Response[str]:
    """The answer to a write stored once per Idempotency-Key: 201 with the stored resource
    whether this request stored it or a replay found it stored (then `Idempotent-Replayed:
    true`), so a client that lost the first answer gets it again. `metric` counts new ones."""
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=int(created))
    response = json_response(HTTPStatus.CREATED, body)
    if not created:
        response.headers[REPLAYED] = "true"
    return response


def created_responses(model: type[BaseModel] | None = None) -> dict[int, OpenAPIResponse]:
    """The OpenAPI `responses` entry of a write stored once (`stored_once`): its body is
    `model`, or a JSON object where the route has no model."""
    body: OpenAPIResponseContentModel | OpenAPIResponseContentSchema = (
        {"model": model} if model is not None else {"schema": {"type": "object"}}
    )
    replayed: OpenAPIResponseHeader = {
        "description": "true on the answer to a replay",
        "schema": {"type": "string", "enum": ["true"]},
    }
    created = OpenAPIResponse(
        description="Stored; a replay of this request (same Idempotency-Key and body) answers "
        "the same, with the header Idempotent-Replayed: true",
        headers={REPLAYED: replayed},
        content={"application/json": body},
    )
    return {201: created}
