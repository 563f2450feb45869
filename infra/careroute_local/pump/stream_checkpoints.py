"""Where each DynamoDB stream shard was left, kept on disk so a restarted pump resumes there.

With a journaled stack (state_dir) each shard's last finished sequence number is saved after
every batch; replaying the journal keeps the sequence numbers, so the saved ones stay valid.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


class StreamCheckpoints:
    """Stream positions on disk: {table logical id: {shard id: last finished sequence}}.

    Written (atomically) after each batch the consumer finished; a crash before the write
    redelivers that batch, which the consumers absorb (they are idempotent). None: memory only.
    """

    def __init__(self, state_dir: Path | None) -> None:
        self.path = None if state_dir is None else state_dir / "stream_positions.json"
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._saved: dict[str, dict[str, str]] = {}
        if self.path is not None and self.path.exists():
            self._saved = json.loads(self.path.read_text("utf-8"))

    def get(self, table: str, shard: str) -> str | None:
        return self._saved.get(table, {}).get(shard)

    def save(self, table: str, shard: str, sequence: str) -> None:
        self._saved.setdefault(table, {})[shard] = sequence
        self._write()

    def forget(self, table: str) -> None:
        self._saved.pop(table, None)
        self._write()

    def clear(self) -> None:
        self._saved.clear()
        self._write()

    def _write(self) -> None:
        if self.path is None:
            return
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._saved), "utf-8")
        os.replace(temporary, self.path)
