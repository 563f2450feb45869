"""What crosses the benefits API's edges: a step on a claim, a claim as offices read it, and
the district figures (GET /benefits/summary). Validated with pydantic; errors name the field."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field

from careroute.domain.beds import Subsistence
from careroute.domain.benefits import ClaimStatus, StepKind
from careroute.messages.base import Message
from careroute.messages.visits import Id

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class ClaimStepBody(Message):
    """POST /benefits/claims/{claim_id}/steps."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    step: StepKind = Field(
        description="apply (the steward on the visit, or the street office), approve or "
        "refuse (the street office), pay (the district office, one month at a time)"
    )
    subsistence: Subsistence | None = Field(
        default=None, description="apply: the elder's certified subsistence status"
    )
    visit_id: Id | None = Field(default=None, description="apply: the visit it was done on")
    month: str | None = Field(default=None, pattern=MONTH, description="pay: YYYY-MM paid")
    note: str = Field(default="", max_length=500, description="refuse: the reason")


class ClaimView(Message):
    claim_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    rule_id: str
    yuan: int = Field(description="Monthly amount")
    status: ClaimStatus
    notified_at: datetime
    applied_at: datetime | None
    decision_due_at: datetime | None = Field(description="End of the day the policy allows")
    decided_at: datetime | None
    decided_on_time: bool | None
    subsistence: Subsistence | None
    visit_id: str
    paid_months: list[str]


class DistrictBenefits(Message):
    district_id: str
    claims: int = Field(description="Benefits notified (each claim once)")
    by_status: dict[str, int]
    decided: int
    decided_on_time: int = Field(description="Decided by the end of the allowed day")
    waiting_late: int = Field(description="Applied, undecided, past the allowed day")
    yuan_paid: int = Field(description="Paid for the month asked")


class BenefitSummary(Message):
    scope: str
    month: str
    as_of: date
    total: DistrictBenefits
    districts: list[DistrictBenefits]
