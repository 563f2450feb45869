"""Benefit claims through the API: the steward (on the visit) or the street office records
the elder's application, the street office approves or refuses it, the district office
records each month paid; offices list their claims and read the figures.

Who may act: the elder's steward applies (the visit's benefit task done); the street
official of the elder's street applies, approves and refuses (the approving office); the
district official of the elder's district, or the city admin, records payments; the street
office is told of each application (a notice, once per claim). Reads: a
steward their community's claims, officials their scope's, the city admin all. A decision
closes the street office's notice ticket of the claim. A step is stored over the version
read: two offices acting at once cannot both change a claim (the second is a conflict).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from careroute.domain.access import Caller, Role, require_scope
from careroute.domain.benefits import (
    ApprovalRules,
    BenefitClaim,
    ClaimStep,
    IllegalClaimStep,
    StepKind,
    paid_in,
    take_step,
)
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.eligibility import benefit_ticket_id
from careroute.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from careroute.domain.notices import application_notice
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.tickets import TicketStatus, close
from careroute.messages.benefits import BenefitSummary, ClaimStepBody, ClaimView, DistrictBenefits
from careroute.service_layer.notifications import Notices, notify
from careroute.service_layer.ports import (
    CommunityRepository,
    ElderRepository,
    ScopeDirectory,
    StewardRepository,
    TicketRepository,
)
from careroute.service_layer.ports.benefits import BenefitClaims
from careroute.service_layer.scope_access import parse_scope
from careroute.service_layer.views import attributes


@dataclass(frozen=True)
class BenefitApproving:
    """The ports of the benefits API."""

    claims: BenefitClaims
    elders: ElderRepository
    stewards: StewardRepository
    scopes: ScopeDirectory
    tickets: TicketRepository
    communities: CommunityRepository
    notices: Notices | None = None
    """Who is told of an application to decide; None tells nobody."""


def view(claim: BenefitClaim, rules: ApprovalRules) -> ClaimView:
    return ClaimView(
        **attributes(claim, "claim_id", "rule_id", "yuan", "status", "subsistence"),
        **elder_scope_ids(claim),
        **attributes(claim, "notified_at", "applied_at", "decided_at", "visit_id"),
        decision_due_at=claim.decision_due_at(rules),
        decided_on_time=claim.decided_on_time(rules),
        paid_months=list(claim.paid_months),
    )


def _may_take(who: Caller, step: StepKind, claim: BenefitClaim, ports: BenefitApproving) -> bool:
    if step is StepKind.APPLY and who.role is Role.STEWARD:
        return ports.stewards.get_steward(who.scope).community_id == claim.community_id
    if step is not StepKind.PAY and who.role is Role.STREET_OFFICIAL:
        return who.scope == claim.street_id
    if step is StepKind.PAY and who.role is Role.DISTRICT_OFFICIAL:
        return who.scope == claim.district_id
    return step is StepKind.PAY and who.role is Role.CITY_ADMIN


def _close_notice(claim: BenefitClaim, step: ClaimStep, ports: BenefitApproving) -> None:
    """Close the street office's notice ticket of a decided claim (if still open)."""
    try:
        ticket = ports.tickets.get_ticket(benefit_ticket_id(claim.elder_id, claim.rule_id))
    except NotFoundError:
        return
    if ticket.status is TicketStatus.OPEN:
        result = f"{claim.rule_id} {step.kind.value}d" + (f": {step.note}" if step.note else "")
        ports.tickets.save_closed(close(ticket, step.at, step.by, "claim decided", result))


def take_claim_step(
    who: Caller,
    claim_id: str,
    body: ClaimStepBody,
    now: datetime,
    rules: ApprovalRules,
    ports: BenefitApproving,
) -> BenefitClaim:
    """Record one step of a claim at `now`; the claim after it. The same step as the claim's
    last (the same month, for a payment) is a retry: answered with the claim as it is,
    nothing written, and a decision's notice ticket closed if a crash left it open. The API
    shows the claim as `view` makes it (the month simulation reads no view of its steps)."""
    claim = ports.claims.get_claim(claim_id)
    if not _may_take(who, body.step, claim, ports):
        raise ForbiddenError(f"a {who.role.value} cannot {body.step} claim {claim_id}")
    last = claim.steps[-1] if claim.steps else None
    if last is not None and last.kind is body.step and last.month == (body.month or ""):
        if last.kind in (StepKind.APPROVE, StepKind.REFUSE):
            _close_notice(claim, last, ports)
        return claim
    step = ClaimStep(body.step, now, f"{who.role.value}:{who.subject}", body.note, body.month or "")
    try:
        after = take_step(claim, step, rules, body.subsistence, body.visit_id or "")
    except IllegalClaimStep as exc:
        raise ValidationError(str(exc)) from exc
    if not ports.claims.save_step(claim, after):
        raise ConflictError(f"claim {claim_id} changed meanwhile; read it again")
    if body.step in (StepKind.APPROVE, StepKind.REFUSE):
        _close_notice(after, step, ports)
    if body.step is StepKind.APPLY and ports.notices is not None:
        decide_by = after.decision_due_at(rules)
        if decide_by is not None:
            notify(application_notice(after, decide_by), now, ports.notices)
    return after


def _districts(who: Caller, where: Scope, ports: BenefitApproving) -> list[str]:
    if where.kind is ScopeKind.CITY:
        who.require(Role.CITY_ADMIN)
        return sorted({c.district_id for c in ports.communities.all_communities()})
    ancestors = ports.scopes.ancestors(where)
    require_scope(who, where, ancestors)
    if where.kind is ScopeKind.DISTRICT:
        return [where.scope_id]
    return [a.scope_id for a in ancestors if a.kind is ScopeKind.DISTRICT]


def list_claims(
    who: Caller, scope: str, status: str | None, rules: ApprovalRules, ports: BenefitApproving
) -> list[ClaimView]:
    """The claims of a scope the caller may read (a steward: their community's), optionally
    of one status, by claim id."""
    if who.role is Role.STEWARD:
        where = Scope(ScopeKind.COMMUNITY, ports.stewards.get_steward(who.scope).community_id)
        if scope not in ("", str(where)):
            raise ForbiddenError("a steward reads their own community's claims")
        districts = [
            a.scope_id for a in ports.scopes.ancestors(where) if a.kind is ScopeKind.DISTRICT
        ]
    else:
        where = parse_scope(scope)
        districts = _districts(who, where, ports)
    return [
        view(c, rules)
        for d in districts
        for c in ports.claims.claims_in(d)
        if where.holds(c) and (status is None or c.status.value == status)
    ]


def _sums(
    district_id: str, claims: list[BenefitClaim], month: str, now: datetime, rules: ApprovalRules
) -> DistrictBenefits:
    decided = [c for c in claims if c.decided_at is not None and c.applied_at is not None]
    return DistrictBenefits(
        district_id=district_id,
        claims=len(claims),
        by_status=dict(sorted(Counter(c.status.value for c in claims).items())),
        decided=len(decided),
        decided_on_time=sum(1 for c in decided if c.decided_on_time(rules)),
        waiting_late=sum(1 for c in claims if c.waiting_late(now, rules)),
        yuan_paid=paid_in(claims, month),
    )


def summary(
    who: Caller,
    scope: str,
    month: str,
    now: datetime,
    rules: ApprovalRules,
    ports: BenefitApproving,
) -> BenefitSummary:
    """Per district of the scope (city or district): claims by status, decisions on time,
    applications waiting past their day, and the yuan paid for `month`, all recomputed from
    the claims."""
    where = parse_scope(scope)
    if where.kind not in (ScopeKind.CITY, ScopeKind.DISTRICT):
        raise ValidationError("scope: city or district:ID")
    everything: list[BenefitClaim] = []
    rows = []
    for district_id in _districts(who, where, ports):
        claims = list(ports.claims.claims_in(district_id))
        everything += claims
        rows.append(_sums(district_id, claims, month, now, rules))
    return BenefitSummary(
        scope=str(where),
        month=month,
        as_of=now.date(),
        total=_sums("all", everything, month, now, rules),
        districts=rows,
    )
