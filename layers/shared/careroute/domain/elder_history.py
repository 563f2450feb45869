"""What an elder's history holds: every change to the registry and every read of personal
data, with who did it and why (ids, field names and values only; never logged)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    CHANGE = "change"
    READ = "read"


@dataclass(frozen=True)
class Actor:
    sub: str
    role: str


@dataclass(frozen=True)
class Entry:
    kind: Kind
    at: datetime
    actor: Actor
    what: str
    old: Any = None
    new: Any = None
    elder_ids: tuple[str, ...] = ()
    reason: str = ""
