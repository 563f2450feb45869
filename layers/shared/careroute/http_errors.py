"""One error shape for an HTTP API function: every 4xx is {"error": {"code", "message"}},
a 5xx never carries internals. `register_error_handlers(app)` installs the mapping once per
resolver, so a new API function does not copy it (functions/incidents_api uses it)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import ValidationError as PydanticValidationError

from careroute.exceptions import (
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
    ValidationError: HTTPStatus.BAD_REQUEST,
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


def domain_error(exc: CareRouteError) -> Response[str]:
    status = next((STATUS_OF[c] for c in type(exc).__mro__ if c in STATUS_OF), None)
    return error(status or HTTPStatus.BAD_REQUEST, exc.code, str(exc))


def invalid_request(exc: RequestValidationError | PydanticValidationError) -> Response[str]:
    return error(HTTPStatus.BAD_REQUEST, "invalid_request", problems(exc.errors()))


def no_such_route(exc: Exception) -> Response[str]:
    return error(HTTPStatus.NOT_FOUND, "not_found", "no such route")


def unexpected(exc: Exception) -> Response[str]:
    logger.exception("unhandled error")
    return error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal", "internal error; try again later")


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    app.exception_handler(CareRouteError)(domain_error)
    app.exception_handler(RequestValidationError)(invalid_request)
    app.exception_handler(PydanticValidationError)(invalid_request)
    app.not_found(no_such_route)
    app.exception_handler(Exception)(unexpected)
