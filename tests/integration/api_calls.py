"""Requests to the local stack's HTTP API the way the integration tests send them."""

from __future__ import annotations

import json
from typing import Any

from careroute_local.pump import EventPump, HttpResponse


def post_json(
    pump: EventPump,
    path: str,
    auth: dict[str, str],
    body: Any = None,
    key: str | None = None,
) -> HttpResponse:
    """POST `body` as JSON (no body for None) with the caller's `auth` headers and, when
    given, the Idempotency-Key `key`."""
    headers = {"content-type": "application/json", **auth}
    if key is not None:
        headers["idempotency-key"] = key
    text = json.dumps(body) if body is not None else None
    return pump.invoke_http("POST", path, headers=headers, body=text)
