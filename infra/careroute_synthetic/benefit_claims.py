"""A synthetic city's benefit claims from before `as_of`: half of the active elders' benefits
they qualify for, each at some step of its life (notified, applied, approved, refused, paid
for the month of its approval), what `careroute data generate` writes to benefit_claims.csv
so a stack loaded from it has claims whose notices went out before it (the daily scan opens
no second ticket for them).

Pure: same city, day, policy and seed, same claims. A means-tested claim applies with a
subsistence status that passes the policy's means test.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from careroute.domain.benefits import (
    ApprovalRules,
    BenefitClaim,
    ClaimStatus,
    ClaimStep,
    StepKind,
    notified_claim,
    take_step,
)
from careroute.domain.eligibility import Benefits
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Registry

CLAIMED_SHARE = 0.5
"""Share of the (elder, benefit) pairs qualifying on `as_of` with a claim from before."""
STATUSES = {
    ClaimStatus.NOTIFIED: 0.15,
    ClaimStatus.APPLIED: 0.15,
    ClaimStatus.APPROVED: 0.2,
    ClaimStatus.REFUSED: 0.1,
    ClaimStatus.PAID: 0.4,
}
"""Each status's share of the claims."""
LIFE_ORDER = (ClaimStatus.NOTIFIED, ClaimStatus.APPLIED, ClaimStatus.APPROVED, ClaimStatus.PAID)


def _claim(
    claim: BenefitClaim, status: ClaimStatus, rules: ApprovalRules, street_id: str
) -> BenefitClaim:
    """`claim` (notified) taken through the steps to `status`: applied two days after its
    notice, decided that afternoon, paid the next day for the month decided."""
    applied_at = claim.notified_at + timedelta(days=2, hours=4)
    decided_at = applied_at + timedelta(hours=5)
    office = f"street_official:{street_id}"
    if status is ClaimStatus.REFUSED:
        step = ClaimStep(StepKind.REFUSE, decided_at, office, "the elder declined")
        return take_step(claim, step, rules)
    subsistence = min(rules.subsistence) if rules.means_tested_rule(claim.rule_id) else None
    for reached in LIFE_ORDER[1 : LIFE_ORDER.index(status) + 1]:
        if reached is ClaimStatus.APPLIED:
            step = ClaimStep(StepKind.APPLY, applied_at, "steward:synthetic")
            claim = take_step(claim, step, rules, subsistence)
        elif reached is ClaimStatus.APPROVED:
            claim = take_step(claim, ClaimStep(StepKind.APPROVE, decided_at, office), rules)
        else:
            month = f"{decided_at:%Y-%m}"
            paid_at = decided_at + timedelta(days=1)
            step = ClaimStep(StepKind.PAY, paid_at, "district_official:synthetic", month=month)
            claim = take_step(claim, step, rules)
    return claim


def synthetic_claims(
    city: Registry, as_of: date, benefits: Benefits, rules: ApprovalRules, seed: int
) -> tuple[BenefitClaim, ...]:
    """The claims of the active elders' benefits qualifying on `as_of`, notified 20 to 90
    days before it."""
    rng = random.Random(f"claims:{seed}")
    claims: list[BenefitClaim] = []
    for elder in sorted(city.elders, key=lambda e: e.elder_id):
        if elder.status is not ElderStatus.ACTIVE:
            continue
        for rule_id, yuan in benefits.qualifying(elder, as_of):
            if rng.random() >= CLAIMED_SHARE:
                continue
            notified_on = as_of - timedelta(days=rng.randint(20, 90))
            notified_at = datetime.combine(notified_on, time(6), CHINA_TZ)
            claim = notified_claim(elder, rule_id, yuan, notified_at)
            status = rng.choices(list(STATUSES), weights=list(STATUSES.values()))[0]
            claims.append(_claim(claim, status, rules, elder.street_id))
    return tuple(claims)
