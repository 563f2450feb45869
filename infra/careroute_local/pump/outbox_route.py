"""`GET /local/outbox`: the notices the handlers wrote to the local stack's outbox file, per
recipient (`?recipient=street:st-001` for one), as JSON, or as a page for a browser (which
asks for text/html). The local stack's own route, beside the template's: in the cloud the same
notices go to SNS, and nobody lists them."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from careroute.adapters.outbox_file import by_recipient, read_outbox
from careroute_local.pump.http_events import HttpResponse

OUTBOX_ROUTE = "/local/outbox"


def outbox_answer(outbox: Path, raw_query: str, accept: str | None = None) -> HttpResponse:
    """The outbox's messages grouped by recipient key, oldest first, with their count."""
    recipient = parse_qs(raw_query).get("recipient", [None])[0]
    messages = read_outbox(outbox, recipient)
    grouped = by_recipient(messages)
    if accept and "text/html" in accept:
        page = _page(grouped)
        return HttpResponse(200, {"content-type": "text/html; charset=utf-8"}, page.encode())
    body = {"count": len(messages), "recipients": grouped}
    return HttpResponse(
        200,
        {"content-type": "application/json; charset=utf-8"},
        json.dumps(body, ensure_ascii=False).encode(),
    )


def _page(grouped: dict[str, list[dict[str, Any]]]) -> str:
    sections = [
        f"<h2>{html.escape(key)} ({len(messages)})</h2><table>"
        + "".join(
            f"<tr><td>{html.escape(m['at'][:19])}</td><td>{html.escape(m['kind'])}</td>"
            f"<td>{html.escape(m['body'])}</td></tr>"
            for m in messages
        )
        + "</table>"
        for key, messages in grouped.items()
    ]
    return (
        '<!doctype html><meta charset="utf-8"><title>CareRoute outbox</title>'
        "<h1>Notices the local stack would have sent</h1>"
        + ("".join(sections) or "<p>None yet.</p>")
    )
