"""Bureau settings (tier policy, holidays) as JSON documents in the coverage table.

Keys `config#<name>` / `-`: no month or scope key starts with `config#`, so the coverage
counters never meet them.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import UnicodeAttribute

from careroute.adapters.dynamodb.columns import SharedKeys
from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import TableModel, find_item
from careroute.domain import clock


class SettingModel(TableModel, SharedKeys):
    document = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


def get_setting(name: str) -> Any | None:
    """The stored JSON document, or None when the bureau never set it."""
    item = find_item(SettingModel, f"config#{name}", "-", action=f"read the {name} setting")
    return json.loads(item.document) if item else None


def put_setting(name: str, document: Any, by: str) -> None:
    with storage_errors(f"save the {name} setting"):
        SettingModel(
            f"config#{name}",
            "-",
            document=json.dumps(document, ensure_ascii=False),
            updated_at=clock.now().isoformat(),
            updated_by=by,
        ).save()
