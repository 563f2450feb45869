"""The port of the service circle's rows: each community's count of the night (its elders,
how many live within the circle and who does not), so a city's or a district's circle is
read from one stored row per community instead of counted over every elder on request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True)
class CommunityCircle:
    """One community's circle as counted on `as_of` (a community without counted elders has
    a row of zeros: counted, and empty)."""

    community_id: str
    district_id: str
    as_of: date
    elders: int
    within: int
    outside: tuple[str, ...]
    """Elder ids, sorted."""


class CircleRows(Protocol):
    def save_rows(self, rows: Iterable[CommunityCircle]) -> int:
        """Replace each community's row whole; the rows written."""
        ...

    def read_rows(self, community_ids: Iterable[str]) -> dict[str, CommunityCircle]:
        """The rows of those communities (a community never counted is absent)."""
        ...
