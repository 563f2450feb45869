"""Requests to the local stack's HTTP API the way the integration tests send them."""

from __future__ import annotations

import json
from typing import Any

from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import bearer


def send_json(
    pump: EventPump,
    method: str,
    path: str,
    auth: dict[str, str],
    body: Any = None,
    key: str | None = None,
    query: dict[str, str] | None = None,
) -> HttpResponse:
    """`method` `path` with `body` as JSON (a str as it is, e.g. a malformed body under test;
    no body for None), the caller's `auth` headers and, when given, the Idempotency-Key `key`."""
    headers = {"content-type": "application/json", **auth}
    if key is not None:
        headers["idempotency-key"] = key
    text = body if body is None or isinstance(body, str) else json.dumps(body)
    return pump.invoke_http(method, path, headers=headers, query=query, body=text)


def post_json(
    pump: EventPump,
    path: str,
    auth: dict[str, str],
    body: Any = None,
    key: str | None = None,
) -> HttpResponse:
    """POST `body` to `path` as `send_json` sends it."""
    return send_json(pump, "POST", path, auth, body, key)


def get(
    pump: EventPump, path: str, role: str, scope: str | None, query: dict[str, str] | None = None
) -> HttpResponse:
    """GET `path` (with `query`) as a caller of `role` in `scope`."""
    return pump.invoke_http("GET", path, headers=bearer(pump, role, scope), query=query)


def district_month(pump: EventPump, path: str, district_id: str, month: str) -> dict[str, Any]:
    """GET `path` for one district's month (scope district:`district_id`) as its official:
    the answer's JSON, which must be 200."""
    query = {"scope": f"district:{district_id}", "month": month}
    response = get(pump, path, "district_official", district_id, query)
    assert response.status == 200, response.body
    return dict(response.json())


def static_file(pump: EventPump, path: str, content_type: str) -> HttpResponse:
    """GET the web shell's file `path` (under /app/) with no token: the answer, which must be
    200 with `content_type`."""
    response = pump.invoke_http("GET", f"/app/{path}")
    assert response.status == 200
    assert response.headers["content-type"].startswith(content_type)
    return response
