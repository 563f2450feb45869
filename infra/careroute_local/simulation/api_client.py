"""The simulation's callers of the HTTP API: stewards, officials and the city admin, each with
a dev token, every answer counted by route and status for the report.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from careroute_local.simulation.state import Run

TOKEN_TTL = 14 * 24 * 3600


class Tokens:
    def __init__(self, pump: Any) -> None:
        self._pump = pump
        self._tokens: dict[str, str] = {}

    def steward(self, steward_id: str) -> str:
        if steward_id not in self._tokens:
            self._tokens[steward_id] = self._pump.issuer.token(
                "steward", steward_id, ttl_seconds=TOKEN_TTL
            )
        return self._tokens[steward_id]

    def admin(self) -> str:
        return self.steward_or_role("city_admin")

    def steward_or_role(self, role: str) -> str:
        key = f"role:{role}"
        if key not in self._tokens:
            self._tokens[key] = self._pump.issuer.token(role, ttl_seconds=TOKEN_TTL)
        return self._tokens[key]


def call(
    run: Run, pump: Any, method: str, path: str, token: str, body: Any = None
) -> tuple[int, Any]:
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    data = json.dumps(body, ensure_ascii=False) if body is not None else None
    response = pump.invoke_http(method, path, headers=headers, body=data)
    run.api_status[f"{method} {_route_label(path)} {response.status}"] += 1
    try:
        payload = response.json() if response.body else None
    except ValueError:
        payload = None
    return response.status, payload


def every_ticket(run: Run, pump: Any, path: str, token: str) -> tuple[int, Any]:
    """GET /tickets (`path` with its query) page after page, as one answer with every row:
    the API pages the list. The first failing page's answer if one fails."""
    code, payload = call(run, pump, "GET", f"{path}&limit={TICKET_PAGE}", token)
    rows: list[Any] = []
    while code == 200:
        rows += payload["tickets"]
        if not payload.get("next_cursor"):
            return code, {**payload, "tickets": rows}
        after = quote(payload["next_cursor"], safe="")
        code, payload = call(run, pump, "GET", f"{path}&limit={TICKET_PAGE}&after={after}", token)
    return code, payload


TICKET_PAGE = 500
"""The most tickets the API gives a page."""


def _route_label(path: str) -> str:
    """'/stewards/W0001/routes/2026-12-01' -> '/stewards/{id}/routes/{date}' (a page's
    cursor as `{cursor}`)."""
    path = re.sub(r"after=[^&]*", "after={cursor}", path)
    return re.sub(r"/\d{4}-\d{2}-\d{2}", "/{date}", re.sub(r"/[A-Z]\d+", "/{id}", path))


def error_text(payload: Any) -> str:
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict):
            return f"{error.get('code')}: {error.get('message')}"
        return str(payload.get("message", payload))
    return str(payload)
