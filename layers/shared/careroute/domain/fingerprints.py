"""The fingerprint of a request: what tells a retry (the same request again under the same
Idempotency-Key, answered with what was stored) from a key reused for another request."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def fingerprint_of(fields: Mapping[str, Any]) -> str:
    """The SHA-256 of `fields` as JSON with sorted keys (dates, enums and the like as text)."""
    body = json.dumps(fields, default=str, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()
