"""One error shape and one set of statuses for every HTTP API function: every 4xx is
{"error": {"code", "message"}}, a 5xx never carries internals. Bad input (a request that fails
validation, or a domain ValidationError) is 422 `invalid_request` naming the field: the status
the API published first, so no client has to learn a second one. `register_error_handlers(app)`
installs the mapping once per resolver; every API function calls it and copies nothing."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import ValidationError as PydanticValidationError

from careroute.domain.errors import (
    CareRouteError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    StorageError,
    UnauthorizedError,
    ValidationError,
)
from careroute.observability import logger

STATUS_OF = {
    ValidationError: HTTPStatus.UNPROCESSABLE_ENTITY,
    NotFoundError: HTTPStatus.NOT_FOUND,
    ForbiddenError: HTTPStatus.FORBIDDEN,
    UnauthorizedError: HTTPStatus.UNAUTHORIZED,
    ConflictError: HTTPStatus.CONFLICT,
    StorageError: HTTPStatus.SERVICE_UNAVAILABLE,
}


def error(status: HTTPStatus, code: str, message: str) -> Response[str]:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def problems(errors: Any) -> str:
    """pydantic errors as 'field: problem; ...' (what and where)."""
    found = []
    for e in errors:
        if e.get("type") == "json_invalid":
            return "body is not valid JSON"
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        found.append(f"{where or 'body'}: {e.get('msg', 'invalid')}")
    return "; ".join(found)


def status_of(exc: CareRouteError) -> HTTPStatus:
    """The status of a domain error (by its class or nearest mapped base); 422 otherwise."""
    found = (STATUS_OF[c] for c in type(exc).__mro__ if c in STATUS_OF)
    return next(found, HTTPStatus.UNPROCESSABLE_ENTITY)


def domain_error(exc: CareRouteError) -> Response[str]:
    return error(status_of(exc), exc.code, str(exc))


def invalid_request(exc: RequestValidationError | PydanticValidationError) -> Response[str]:
    return error(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_request", problems(exc.errors()))


def undecodable_body(exc: UnicodeDecodeError) -> Response[str]:
    """A body that is not UTF-8 cannot be JSON: the client's fault, not ours."""
    return error(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_request", "body is not valid JSON")


def too_deeply_nested(exc: RecursionError) -> Response[str]:
    """JSON nested deeper than the parser's recursion limit (about 1,000 levels) is no request
    any client of ours sends: refuse it like any other malformed body."""
    return error(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_request", "body is nested too deeply")


def no_such_route(exc: Exception) -> Response[str]:
    return error(HTTPStatus.NOT_FOUND, "not_found", "no such route")


def unexpected(exc: Exception) -> Response[str]:
    logger.exception("unhandled error")
    return error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal", "internal error; try again later")


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    app.exception_handler(CareRouteError)(domain_error)
    app.exception_handler(RequestValidationError)(invalid_request)
    app.exception_handler(PydanticValidationError)(invalid_request)
    app.exception_handler(UnicodeDecodeError)(undecodable_body)
    app.exception_handler(RecursionError)(too_deeply_nested)
    app.not_found(no_such_route)
    app.exception_handler(Exception)(unexpected)
