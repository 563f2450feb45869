"""What planning one community's day reads beside its elders, asked for at once: the
community, the steward the plan job names and the steward's stored routes of the day before and
of the plan date (the solver read them in four requests; DynamoDB answers them in one
BatchGetItem)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from careroute.domain.vocabulary import Community, Steward


@dataclass(frozen=True)
class DayReads:
    community: Community
    steward: Steward | None
    """The steward asked for (None: no such steward)."""
    yesterday: dict[str, Any] | None
    """The steward's route stored for the day before the plan date (None: none)."""
    stored: dict[str, Any] | None
    """The steward's route stored for the plan date, read consistently (None: none yet)."""


class DayReading(Protocol):
    def day_reads(self, community_id: str, steward_id: str, plan_date: date) -> DayReads:
        """The community (NotFoundError when unknown), the steward (None when unknown) and
        its routes stored for the day before `plan_date` and for `plan_date`."""
        ...
