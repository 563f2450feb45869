"""`GET /local/outbox`: the notices the handlers wrote to the local stack's outbox file, per
recipient (`?recipient=street:st-001` for one). The local stack's own page, beside the
template's routes: in the cloud the same notices go to SNS, and nobody lists them."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

from careroute.adapters.outbox_file import by_recipient, read_outbox
from careroute_local.pump.http_events import HttpResponse

OUTBOX_ROUTE = "/local/outbox"


def outbox_answer(outbox: Path, raw_query: str) -> HttpResponse:
    """The outbox's messages grouped by recipient key, oldest first, with their count."""
    recipient = parse_qs(raw_query).get("recipient", [None])[0]
    messages = read_outbox(outbox, recipient)
    body = {"count": len(messages), "recipients": by_recipient(messages)}
    return HttpResponse(
        200,
        {"content-type": "application/json; charset=utf-8"},
        json.dumps(body, ensure_ascii=False).encode(),
    )
