"""A benefit claim's life, from "policy finds people" to money paid (pure: no AWS).

The daily scan (eligibility.py) notifies the street office and the elder's next visit of a
benefit the elder newly qualifies for: that opens a claim, NOTIFIED. Then:

- APPLIED: the steward, on the visit, helps the elder apply (the visit's benefit task done),
  or the street office enters the application; a means-tested benefit (the care subsidy by
  default) names the elder's subsistence status, as the street office certified it;
- APPROVED or REFUSED: the street office decides, by the end of the day applied plus the
  policy's `approval_days` (0: the same day, 当日审批): a decision later than that is late;
  a means-tested claim is approved only with a qualifying subsistence status (else it is
  refused, with the reason);
- PAID: the paying office records each month paid (once per month); the claim is PAID from
  the first payment on.

Each step is kept (who, when, what), so every figure (decided on time, paid per month) is
recomputed from the claims themselves. Who may take which step is the use case's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

from careroute.domain.beds import Subsistence
from careroute.domain.policy_tables import check_ranges, enum_set, setting, settings_table
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.stable_ids import stable_id
from careroute.domain.vocabulary import CHINA_TZ, Elder, china_date


class ClaimStatus(StrEnum):
    NOTIFIED = "notified"
    APPLIED = "applied"
    APPROVED = "approved"
    REFUSED = "refused"
    PAID = "paid"


class StepKind(StrEnum):
    APPLY = "apply"
    APPROVE = "approve"
    REFUSE = "refuse"
    PAY = "pay"


ALLOWED_FROM: dict[StepKind, frozenset[ClaimStatus]] = {
    StepKind.APPLY: frozenset({ClaimStatus.NOTIFIED}),
    StepKind.APPROVE: frozenset({ClaimStatus.APPLIED}),
    StepKind.REFUSE: frozenset({ClaimStatus.NOTIFIED, ClaimStatus.APPLIED}),
    StepKind.PAY: frozenset({ClaimStatus.APPROVED, ClaimStatus.PAID}),
}
"""The statuses each step may be taken from (an elder who declines is refused from NOTIFIED)."""


class IllegalClaimStep(ValueError):
    """The step is not allowed from the claim's status, or breaks a rule."""


@dataclass(frozen=True)
class ApprovalRules:
    """How claims are decided (policy `[benefit_approval]`)."""

    approval_days: int = setting(0, 0, 30)
    """An application is decided by the end of the day applied plus this many days."""
    means_tested: tuple[str, ...] = ("care_subsidy",)
    """Rule-id prefixes of the means-tested benefits (the care subsidy by default)."""
    subsistence: frozenset[Subsistence] = frozenset(
        {Subsistence.SUBSISTENCE_ALLOWANCE, Subsistence.EXTREME_POVERTY, Subsistence.LOW_INCOME}
    )
    """The subsistence statuses that pass the means test."""

    def __post_init__(self) -> None:
        check_ranges(self)

    def means_tested_rule(self, rule_id: str) -> bool:
        return any(rule_id.startswith(prefix) for prefix in self.means_tested)


def parse_approval(table: Any, where: str) -> ApprovalRules:
    """The optional `[benefit_approval]` table; ValueError naming the key at fault."""
    parsers = {"means_tested": _prefixes, "subsistence": enum_set(Subsistence)}
    return settings_table(ApprovalRules(), table, where, parsers)


def _prefixes(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) and v for v in raw):
        raise ValueError(f"{where}: expected a list of rule-id prefixes")
    return tuple(raw)


@dataclass(frozen=True)
class ClaimStep:
    kind: StepKind
    at: datetime
    by: str
    """Who took it: '<role>:<subject>'."""
    note: str = ""
    month: str = ""
    """The month paid ('YYYY-MM'), for a payment."""


@dataclass(frozen=True)
class BenefitClaim:
    claim_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    rule_id: str
    yuan: int
    """Monthly amount."""
    notified_at: datetime
    status: ClaimStatus = ClaimStatus.NOTIFIED
    subsistence: Subsistence | None = None
    """The certified status an application named (a means-tested benefit's)."""
    visit_id: str = ""
    """The visit on which the steward helped the elder apply, if any."""
    steps: tuple[ClaimStep, ...] = ()
    version: int = 0
    """Bumped by every step: a step is stored only over the version it was taken from."""

    @property
    def applied_at(self) -> datetime | None:
        return next((s.at for s in self.steps if s.kind is StepKind.APPLY), None)

    @property
    def decided_at(self) -> datetime | None:
        decisions = (StepKind.APPROVE, StepKind.REFUSE)
        return next((s.at for s in self.steps if s.kind in decisions), None)

    @property
    def paid_months(self) -> tuple[str, ...]:
        return tuple(s.month for s in self.steps if s.kind is StepKind.PAY)

    def decision_due_at(self, rules: ApprovalRules) -> datetime | None:
        """The end of the day applied plus the policy's days (China time); None unapplied."""
        applied = self.applied_at
        if applied is None:
            return None
        last_day = china_date(applied) + timedelta(days=rules.approval_days)
        return datetime.combine(last_day, time(23, 59, 59), CHINA_TZ)

    def decided_on_time(self, rules: ApprovalRules) -> bool | None:
        """Was the application decided by its due time? None while undecided (or refused
        before any application)."""
        due, decided = self.decision_due_at(rules), self.decided_at
        if due is None or decided is None:
            return None
        return decided <= due

    def waiting_late(self, now: datetime, rules: ApprovalRules) -> bool:
        """Applied, undecided, and past its decision time."""
        due = self.decision_due_at(rules)
        return self.status is ClaimStatus.APPLIED and due is not None and now > due


def claim_id(elder_id: str, rule_id: str) -> str:
    """The claim of (elder, rule): one per benefit an elder is notified of."""
    return stable_id("bc-", f"claim#{elder_id}#{rule_id}")


def notified_claim(elder: Elder, rule_id: str, yuan: int, at: datetime) -> BenefitClaim:
    """The claim the benefit scan opens with its office ticket."""
    return BenefitClaim(
        claim_id=claim_id(elder.elder_id, rule_id),
        **elder_scope_ids(elder),
        rule_id=rule_id,
        yuan=yuan,
        notified_at=at,
    )


def take_step(
    claim: BenefitClaim,
    step: ClaimStep,
    rules: ApprovalRules,
    subsistence: Subsistence | None = None,
    visit_id: str = "",
) -> BenefitClaim:
    """The claim after `step`; IllegalClaimStep naming the rule it breaks."""
    if claim.status not in ALLOWED_FROM[step.kind]:
        raise IllegalClaimStep(f"a claim {claim.status.value} cannot take the step {step.kind}")
    if step.at < claim.notified_at or any(step.at < s.at for s in claim.steps):
        raise IllegalClaimStep("at: before the claim's last step")
    changes: dict[str, Any] = {}
    if step.kind is StepKind.APPLY:
        if rules.means_tested_rule(claim.rule_id) and subsistence is None:
            raise IllegalClaimStep(
                f"subsistence: {claim.rule_id} is means-tested; the application names the "
                "elder's certified subsistence status"
            )
        changes = {"status": ClaimStatus.APPLIED, "subsistence": subsistence, "visit_id": visit_id}
    elif step.kind is StepKind.APPROVE:
        failed = means_test_failure(claim, rules)
        if failed:
            raise IllegalClaimStep(f"means test: {failed}; refuse the claim instead")
        changes = {"status": ClaimStatus.APPROVED}
    elif step.kind is StepKind.REFUSE:
        if not step.note:
            raise IllegalClaimStep("note: a refusal gives its reason")
        changes = {"status": ClaimStatus.REFUSED}
    else:
        if not step.month or step.month in claim.paid_months:
            raise IllegalClaimStep(f"month: {step.month or 'missing'} is paid already")
        if step.month < china_date(claim.decided_at or step.at).strftime("%Y-%m"):
            raise IllegalClaimStep(f"month: {step.month} is before the approval")
        changes = {"status": ClaimStatus.PAID}
    return replace(claim, steps=(*claim.steps, step), version=claim.version + 1, **changes)


def means_test_failure(claim: BenefitClaim, rules: ApprovalRules) -> str | None:
    """Why a means-tested claim fails the test (None: it passes, or is not means-tested)."""
    if not rules.means_tested_rule(claim.rule_id):
        return None
    if claim.subsistence is None or claim.subsistence not in rules.subsistence:
        named = claim.subsistence.value if claim.subsistence else "none named"
        allowed = ", ".join(sorted(s.value for s in rules.subsistence))
        return f"subsistence status {named} is not one of {allowed}"
    return None


def paid_in(claims: list[BenefitClaim], month: str) -> int:
    """Yuan paid for `month` over `claims` (each claim's monthly amount, once per month)."""
    return sum(c.yuan for c in claims if month in c.paid_months)
