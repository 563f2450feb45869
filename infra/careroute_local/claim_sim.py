"""The month simulation's benefit claims, from the notice to the money: the daily scan at
06:00 opens a claim (notified) for each benefit an elder newly qualifies for, with the
street office's notice ticket and the task on the elder's next visit; when the steward
visits the elder, the steward helps them apply (the visit's benefit task done: the visit
id, and for a means-tested benefit the subsistence status the street office certified) or
the elder declines (the street office then refuses the claim); the street office decides
each application the same afternoon (当日审批), now and then only the next morning (late);
a means-tested claim whose status fails the test is refused with the reason; on the
month's last day the district office pays the month of every approved claim.

It runs the real use cases (`scan` with the claims port, `take_claim_step`, `summary`) on
the memory adapters, with the programmes' registry copy (bed_sim.py's elders), apart from
the engine's own scan (whose notices the report counts). The scan the day before the month
opens the claims of everyone already qualifying (the backlog, as on the engine).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from careroute.adapters.memory import (
    MemoryCommunities,
    MemoryElders,
    MemoryScopes,
    MemoryStewards,
)
from careroute.adapters.memory_benefits import MemoryBenefitClaims
from careroute.adapters.memory_visits import MemoryCoverage, MemoryTickets
from careroute.domain.access import Caller, Role
from careroute.domain.beds import Subsistence
from careroute.domain.benefits import (
    BenefitClaim,
    ClaimStatus,
    StepKind,
    claim_id,
    means_test_failure,
)
from careroute.domain.errors import CareRouteError, NotFoundError
from careroute.domain.vocabulary import Category, Elder, china_date
from careroute.messages.benefits import ClaimStepBody
from careroute.service_layer.benefits import BenefitApproving, summary, take_claim_step, view
from careroute.service_layer.eligibility import BenefitScan, scan
from careroute_local.sim_city import (
    CITY_ADMIN,
    SimMonth,
    memory_communities,
    steward_of_community,
)
from careroute_local.ticks import at

SCAN_AT = 6 * 3600
DECIDE_AT = 17 * 3600
"""The street office decides the day's applications in the afternoon (China time)."""
LATE_AT = 10 * 3600
"""...or, for LATE_SHARE of them, the next morning: a decision past its day."""
LATE_SHARE = 0.05
DECLINE_SHARE = 0.03
"""Of the elders told on a visit, the share who decline the benefit."""
PAY_AT = 23 * 3600
"""The district office pays the month at the end of its last day, after the day's decisions."""

CERTIFIED: tuple[tuple[Category, Subsistence], ...] = (
    (Category.EXTREME_POVERTY, Subsistence.EXTREME_POVERTY),
    (Category.SUBSISTENCE, Subsistence.SUBSISTENCE_ALLOWANCE),
    (Category.NEAR_SUBSISTENCE, Subsistence.LOW_INCOME),
    (Category.POOR, Subsistence.LOW_INCOME),
)
"""The subsistence status the street office certified, read from the registry's categories
(the first that applies)."""


def certified(elder: Elder) -> Subsistence:
    return next((s for c, s in CERTIFIED if c in elder.categories), Subsistence.NONE)


def memory_claiming(
    communities: MemoryCommunities, elders: MemoryElders, stewards: MemoryStewards
) -> tuple[BenefitScan, BenefitApproving]:
    """The daily benefit scan's and the benefits API's ports on the memory adapters, sharing
    one claims store and one tickets store (the scan opens both, the API moves the claims)."""
    tickets = MemoryTickets(MemoryCoverage())
    claims = MemoryBenefitClaims()
    scope_tree = MemoryScopes(communities)
    return (
        BenefitScan(communities, elders, tickets, claims=claims),
        BenefitApproving(claims, elders, stewards, scope_tree, tickets, communities),
    )


class ClaimDays:
    """Benefit claims through a simulated month, on the memory adapters."""

    def __init__(self, month: SimMonth, elders: MemoryElders, stewards: MemoryStewards) -> None:
        """`elders` and `stewards`: the programmes' copies of the registry, shared."""
        self.policy, self.seed = month.policy, month.seed
        self.rules = month.policy.benefit_approval
        communities = memory_communities(month.city)
        self.scanning, self.ports = memory_claiming(communities, elders, stewards)
        self.claims = self.ports.claims
        self.stewards = steward_of_community(month.city)
        self.counts: Counter[str] = Counter()
        self.to_decide: list[tuple[str, datetime]] = []
        """(claim id, when the street office decides it): today's, and the late ones."""
        backlog = self._scan(month.first - timedelta(days=1))
        self.counts["claims_opened_before_month"] = backlog

    def _scan(self, day: date) -> int:
        scheduled = at(day, SCAN_AT)
        found = scan(day, scheduled, self.policy.benefits, self.policy.tickets, self.scanning)
        return found.claims_opened

    def day(self, day: date, visits: list[tuple[Elder, str, datetime]], last: bool) -> None:
        """The morning scan; each visited elder's claims applied for (or declined); the
        street office's decisions of the day; on the month's last day, its payments."""
        self.counts["claims_opened_in_month"] += self._scan(day)
        for elder, visit_id, visited_at in visits:
            for rule_id in sorted(elder.benefit_tasks):
                self._on_visit(elder, claim_id(elder.elder_id, rule_id), visit_id, visited_at)
        decide_now = [(c, when) for c, when in self.to_decide if china_date(when) <= day]
        self.to_decide = [(c, when) for c, when in self.to_decide if china_date(when) > day]
        for cid, when in decide_now:
            self._decide(cid, when)
        if last:
            self._pay(day)

    def _claim(self, cid: str) -> BenefitClaim | None:
        try:
            return self.claims.get_claim(cid)
        except NotFoundError:
            return None

    def _on_visit(self, elder: Elder, cid: str, visit_id: str, visited_at: datetime) -> None:
        claim = self._claim(cid)
        if claim is None or claim.status is not ClaimStatus.NOTIFIED:
            return
        rng = random.Random(f"{self.seed}/claim/{cid}")
        day = china_date(visited_at)
        if rng.random() < DECLINE_SHARE:
            note = "the elder declined on the steward's visit"
            self._step(self._office(claim), cid, ClaimStepBody(step=StepKind.REFUSE, note=note),
                       at(day, DECIDE_AT), "claims_declined")  # fmt: skip
            return
        steward_id = self.stewards[elder.community_id]
        steward = Caller(f"sim-steward-{steward_id}", Role.STEWARD, steward_id)
        means_tested = self.rules.means_tested_rule(claim.rule_id)
        body = ClaimStepBody(
            step=StepKind.APPLY,
            subsistence=certified(elder) if means_tested else None,
            visit_id=visit_id,
        )
        if self._step(steward, cid, body, visited_at, "claims_applied_on_visits"):
            late = rng.random() < LATE_SHARE
            when = at(day + timedelta(days=1), LATE_AT) if late else at(day, DECIDE_AT)
            self.to_decide.append((cid, max(when, visited_at + timedelta(minutes=30))))

    def _office(self, claim: BenefitClaim) -> Caller:
        return Caller(f"sim-street-{claim.street_id}", Role.STREET_OFFICIAL, claim.street_id)

    def _decide(self, cid: str, when: datetime) -> None:
        claim = self.claims.get_claim(cid)
        failed = means_test_failure(claim, self.rules)
        if failed is None:
            body = ClaimStepBody(step=StepKind.APPROVE)
            self._step(self._office(claim), cid, body, when, "claims_approved")
        else:
            body = ClaimStepBody(step=StepKind.REFUSE, note=f"means test: {failed}")
            self._step(self._office(claim), cid, body, when, "claims_refused_means_test")

    def _pay(self, day: date) -> None:
        month = day.strftime("%Y-%m")
        for district_id in self._districts():
            paying = Caller(f"sim-district-{district_id}", Role.DISTRICT_OFFICIAL, district_id)
            for claim in list(self.claims.claims_in(district_id)):
                if claim.status in (ClaimStatus.APPROVED, ClaimStatus.PAID):
                    body = ClaimStepBody(step=StepKind.PAY, month=month)
                    self._step(paying, claim.claim_id, body, at(day, PAY_AT), "claims_paid")

    def _step(self, who: Caller, cid: str, body: ClaimStepBody, now: datetime, done: str) -> bool:
        try:
            take_claim_step(who, cid, body, now, self.rules, self.ports)
        except CareRouteError as exc:
            self.counts[f"claim_steps_refused_{body.step.value}_{exc.code}"] += 1
            return False
        self.counts[done] += 1
        return True

    def figures(self, month: str, now: datetime) -> dict[str, Any]:
        """GET /benefits/summary for the city (the total over its districts): claims by
        status, decided and on time (the same-day SLA), waiting late, yuan paid in the month;
        and what the simulation did."""
        total = summary(CITY_ADMIN, "city", month, now, self.rules, self.ports).total
        return {
            "claims": total.claims,
            "by_status": total.by_status,
            "decided": total.decided,
            "decided_on_time": total.decided_on_time,
            "waiting_late": total.waiting_late,
            "yuan_paid": total.yuan_paid,
            "approval_days": self.rules.approval_days,
            **dict(sorted(self.counts.items())),
        }

    def raw(self) -> list[dict[str, Any]]:
        """Every claim as GET /benefits/claims shows it (the month's raw record)."""
        return [
            view(c, self.rules).model_dump(mode="json")
            for d in self._districts()
            for c in self.claims.claims_in(d)
        ]

    def _districts(self) -> list[str]:
        return sorted({c.district_id for c in self.ports.communities.all_communities()})
