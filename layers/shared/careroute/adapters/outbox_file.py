"""The notifier as a file: each notice appended as one JSON line, for the local stack, where
nobody has a phone on SNS. The local stack lists the file per recipient (`careroute outbox`,
`GET /local/outbox`), so what would have been sent can be read and tested.

One `os.write` per line on a file opened for appending: lines from concurrent handlers do not
interleave.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from careroute.domain import clock
from careroute.domain.notices import Notice
from careroute.service_layer.ports import DeliveryFailed


class OutboxFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, notice: Notice) -> str:
        message_id = f"outbox-{uuid.uuid4()}"
        line = {
            "message_id": message_id,
            "notice_id": notice.notice_id,
            "kind": notice.kind.value,
            "event": notice.event,
            "recipient": notice.recipient.key,
            "subject": notice.subject,
            "body": notice.body,
            "at": clock.now().isoformat(),
        }
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        except OSError as exc:
            raise DeliveryFailed(f"outbox not writable: {exc.strerror}") from exc
        return message_id


def read_outbox(path: Path, recipient: str | None = None) -> list[dict[str, Any]]:
    """The messages in the outbox file, oldest first; only `recipient`'s when given."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        messages = [json.loads(line) for line in lines if line.strip()]
    return [m for m in messages if recipient is None or m["recipient"] == recipient]


def by_recipient(messages: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The messages grouped by recipient key, the keys sorted."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        grouped.setdefault(message["recipient"], []).append(message)
    return dict(sorted(grouped.items()))
