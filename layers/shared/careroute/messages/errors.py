"""The one error body every HTTP function answers a 4xx or 5xx with, and its OpenAPI entries.

Apart from the API's other bodies (`messages/api.py`): every HTTP function documents its
errors with these at cold start, and most use none of the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from careroute.messages.base import Message

if TYPE_CHECKING:  # Powertools' event handler (~40 ms at import) only where it serves HTTP
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse


class ErrorDetail(Message):
    code: str = Field(description="Machine-readable, e.g. invalid_request, forbidden, not_found")
    message: str = Field(description="What is wrong, for a human")


class ErrorBody(Message):
    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI `responses` entries for errors: all share ErrorBody."""
    text = {
        400: "Bad request",
        401: "No valid bearer token",
        403: "The caller's role or scope does not allow this",
        404: "Not found",
        409: "Idempotency-Key reused for a different request",
        413: "Body too large",
        422: "Invalid request",
        503: "Storage busy; retry",
    }
    responses: dict[int, OpenAPIResponse] = {
        s: {"description": text[s], "content": {"application/json": {"model": ErrorBody}}}
        for s in statuses
    }
    return responses
