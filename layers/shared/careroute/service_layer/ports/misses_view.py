"""The port of the month's misses kept as a view: once a month is over its misses are
fixed, so the nightly count of the month's first day stores each community's (one item per
community), and a city's misses export of that month reads ~1,150 items instead of every
elder and every visit record of the month."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from careroute.domain.vocabulary import ElderStatus, Tier


class MissCause(StrEnum):
    """Why an elder was missed, as far as the stored data tells."""

    HOSPITALISED = "hospitalised"
    MOVED = "moved"
    DECEASED = "deceased"
    NOT_HOME = "not_home"
    REFUSED = "refused"
    CONTACT_ONLY = "contact_only"
    NEVER_VISITED = "never_visited"
    NOT_TRIED = "not_tried"


@dataclass(frozen=True)
class MonthMiss:
    """One missed elder of the month (one row of the misses export)."""

    elder_id: str
    community_id: str
    street_id: str
    tier: Tier
    status: ElderStatus
    monthly_missed: bool
    """The month is over and no visit covered it (when the policy asks for a monthly visit)."""
    overdue: bool | None
    """Past the cadence deadline on the day judged; None: not known (the last visit before
    the month is not stored any more: a later visit replaced it)."""
    last_visited_on: date | None
    deadline: date | None
    days_overdue: int | None
    failed_tries: int
    """The month's records that were neither a visit nor a call (not home, refused, ...)."""
    last_try_on: date | None
    cause: MissCause


class MissesView(Protocol):
    def save_misses(
        self, month: str, by_community: Mapping[str, Sequence[MonthMiss]], as_of: date
    ) -> int:
        """Replace each community's misses of `month` (YYYY-MM) as judged on `as_of` (none:
        an empty entry, counted); the communities written."""
        ...

    def read_misses(
        self, month: str, community_ids: Iterable[str]
    ) -> dict[str, tuple[date, list[MonthMiss]]]:
        """Those communities' stored misses of `month` and the day they were judged on (a
        community never stored is absent)."""
        ...
