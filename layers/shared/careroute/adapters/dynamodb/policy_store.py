"""The bureau's tier policy on DynamoDB: its document as the `policy` settings item (the
document `GET /policy` answers). A module of its own, so every handler's set-up can read the
policy in force without importing the other adapters."""

from __future__ import annotations

from typing import Any

from careroute.adapters.dynamodb import settings_items


class DynamoPolicyStore:
    def stored_policy(self) -> dict[str, Any] | None:
        stored = settings_items.get_setting("policy")
        return stored if isinstance(stored, dict) else None

    def save_policy(self, document: dict[str, Any], by: str) -> None:
        settings_items.put_setting("policy", document, by)
