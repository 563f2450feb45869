"""API Gateway HTTP API payload format 2.0: a request as the Lambda event, its result as HTTP.

What the handler receives (headers lower-cased and joined, cookies apart, query parameters
grouped, the body base64-encoded unless it is text, the request context with the JWT claims)
and how its return value becomes the response, following API Gateway's documented rules.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from careroute_local.pump.http_routes import Route

log = logging.getLogger("careroute_local")

Headers = Mapping[str, str] | Iterable[tuple[str, str]] | None
Query = Mapping[str, str | Sequence[str]] | str | None

_TEXT_TYPES = re.compile(
    r"^(text/|application/(json|xml|javascript|graphql|x-www-form-urlencoded)|"
    r"application/[\w.+-]+\+(json|xml))",
    re.IGNORECASE,
)


class HttpResponse(NamedTuple):
    """API Gateway's answer: `status, headers, body = response` also works."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


def api_error(status: int, message: str) -> HttpResponse:
    """An error API Gateway answers itself, without invoking a function."""
    body = json.dumps({"message": message}).encode()
    return HttpResponse(status, {"content-type": "application/json"}, body)


def _pairs(headers: Headers) -> Iterable[tuple[str, str]]:
    return headers.items() if isinstance(headers, Mapping) else (headers or [])


def header(headers: Headers, name: str) -> str | None:
    """The first value of a header (`name` in lower case)."""
    return next((str(v) for k, v in _pairs(headers) if k.lower() == name), None)


def request_event(
    route: Route,
    *,
    region: str,
    account_id: str,
    method: str,
    path: str,
    raw_query: str,
    headers: Headers,
    body: str | bytes | None,
    path_params: dict[str, str],
    jwt_claims: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The event API Gateway sends the route's function for this request."""
    api = route.api
    stage = api.stage_name
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    domain = f"{api.api_id}.execute-api.{region}.amazonaws.com"
    lowered: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in _pairs(headers):
        key = name.lower()
        if key == "cookie":
            cookies.extend(c.strip() for c in str(value).split(";") if c.strip())
        else:
            lowered[key] = f"{lowered[key]},{value}" if key in lowered else str(value)
    data = body.encode() if isinstance(body, str) else body
    lowered.setdefault("host", domain)
    lowered.setdefault("x-forwarded-for", "127.0.0.1")
    lowered.setdefault("x-forwarded-port", "443")
    lowered.setdefault("x-forwarded-proto", "https")
    lowered.setdefault("x-amzn-trace-id", f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}")
    if data:
        lowered["content-length"] = str(len(data))
    now = datetime.now(UTC)
    request_id = base64.b64encode(os.urandom(12)).decode()[:16] + "="
    route_key = route.event.route_key
    context: dict[str, Any] = {
        "accountId": account_id,
        "apiId": api.api_id,
        "domainName": domain,
        "domainPrefix": api.api_id,
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": lowered.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now.timestamp() * 1000),
    }
    if jwt_claims is not None:
        context["authorizer"] = {"jwt": {"claims": dict(jwt_claims), "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = lowered
    if raw_query:
        grouped: dict[str, list[str]] = {}
        for key, value in parse_qsl(raw_query, keep_blank_values=True):
            grouped.setdefault(key, []).append(value)
        event["queryStringParameters"] = {k: ",".join(v) for k, v in grouped.items()}
    event["requestContext"] = context
    if path_params:
        event["pathParameters"] = path_params
    is_base64 = False
    if data:
        text = _as_text(data, lowered.get("content-type"))
        is_base64 = text is None
        event["body"] = base64.b64encode(data).decode() if text is None else text
    event["isBase64Encoded"] = is_base64
    return event


def _as_text(data: bytes, content_type: str | None) -> str | None:
    """The body as text when API Gateway would pass it unencoded, else None (base64)."""
    if content_type is not None and not _TEXT_TYPES.match(content_type.strip()):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def http_result(result: Any) -> tuple[HttpResponse, list[str]]:
    """Map a handler's result to the HTTP response, following payload format 2.0's rules."""
    if isinstance(result, dict) and "statusCode" in result:
        try:
            status = int(result["statusCode"])
            headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
            cookies = [str(c) for c in result.get("cookies") or []]
            body = result.get("body")
            if body is None:
                data = b""
            elif not isinstance(body, str):
                log.warning("HTTP response body is not a string; API Gateway expects one")
                data = json.dumps(body).encode()
            elif result.get("isBase64Encoded"):
                data = base64.b64decode(body)
            else:
                data = body.encode()
        except (TypeError, ValueError, AttributeError):
            log.warning("malformed Lambda proxy response: %r", result)
            return api_error(500, "Internal Server Error"), []
        return HttpResponse(status, headers, data), cookies
    # Anything else is the body of a 200 JSON response; a string is passed as it is.
    text = result if isinstance(result, str) else json.dumps(result)
    return HttpResponse(200, {"content-type": "application/json"}, text.encode()), []
