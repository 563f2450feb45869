"""Benefit claims from notice to payment, on the memory adapters: the scan opens one claim per
(elder, rule); the steward applies on the visit; the street office approves the same day or
is late, refuses with a reason, and approves a care subsidy only past the means test; the
district office pays each month once; the summary recomputes every figure from the claims."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from careroute.adapters import memory, memory_visits
from careroute.adapters.memory_benefits import MemoryBenefitClaims
from careroute.adapters.memory_notifications import MemoryNotificationLog, MemoryOutbox
from careroute.domain.access import Caller, Role
from careroute.domain.benefits import (
    ApprovalRules,
    BenefitClaim,
    ClaimStatus,
    claim_id,
    parse_approval,
)
from careroute.domain.eligibility import benefit_ticket_id, parse_benefits
from careroute.domain.errors import ConflictError, ForbiddenError, StorageError, ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.tickets import Ticket, TicketStatus
from careroute.domain.vocabulary import Category
from careroute.messages.benefits import ClaimStepBody, ClaimView
from careroute.service_layer.benefits import (
    BenefitApproving,
    list_claims,
    summary,
    take_claim_step,
    view,
)
from careroute.service_layer.eligibility import BenefitScan, scan
from careroute.service_layer.notifications import Notices
from careroute_local.claim_sim import memory_claiming
from tests.builders import a_community, a_steward, an_elder

POLICY = load_policy()
RULES = POLICY.benefit_approval
DAY = date(2026, 3, 16)  # a Monday
SCAN_AT = datetime(2026, 3, 15, 22, 0, tzinfo=UTC)  # 06:00 on the 16th in China
MORNING = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)  # 10:00 in China
HOME = a_community()
STEWARD = a_steward()
STEWARD_CALLER = Caller("W1", Role.STEWARD, "W1")
STREET = Caller("s", Role.STREET_OFFICIAL, "S1")
DISTRICT = Caller("d", Role.DISTRICT_OFFICIAL, "D1")
ADMIN = Caller("a", Role.CITY_ADMIN, "")


@dataclass(frozen=True)
class World:
    scan: BenefitScan
    approving: BenefitApproving


def world() -> World:
    communities, elders = memory.MemoryCommunities(), memory.MemoryElders()
    communities.save_communities([HOME])
    stewards = memory.MemoryStewards()
    stewards.save_stewards([STEWARD])
    eighty = replace(an_elder(born=date(1946, 3, 16)), elder_id="E1")
    disabled = replace(
        an_elder(Category.SEVERELY_HANDICAPPED, born=date(1960, 1, 1)), elder_id="E2"
    )
    elders.save_elders([eighty, disabled])
    return World(*memory_claiming(communities, elders, stewards))


def step(kind: str, **fields: str) -> ClaimStepBody:
    return ClaimStepBody.model_validate({"step": kind} | fields)


def viewed(
    who: Caller,
    cid: str,
    body: ClaimStepBody,
    now: datetime,
    rules: ApprovalRules,
    ports: BenefitApproving,
) -> ClaimView:
    """The step taken, and the claim after it as the API shows it."""
    return view(take_claim_step(who, cid, body, now, rules, ports), rules)


def test_the_scan_opens_one_claim_per_elder_and_rule_and_a_repeat_opens_none() -> None:
    w = world()
    first = scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)
    again = scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)
    assert (first.claims_opened, again.claims_opened) == (2, 0)
    claims = list_claims(ADMIN, "district:D1", None, RULES, w.approving)
    assert sorted((c.elder_id, c.rule_id, c.yuan, c.status) for c in claims) == [
        ("E1", "high_age_80", 100, ClaimStatus.NOTIFIED),
        ("E2", "care_subsidy_disabled", 600, ClaimStatus.NOTIFIED),
    ]


def test_applied_on_the_visit_approved_the_same_day_and_paid_once_a_month() -> None:
    """Given an 80-year-old's notified allowance, when the steward applies on the visit, the
    street office approves it that afternoon and the district pays March, then the claim is
    paid, decided on time, its notice ticket closed, and March's yuan counted once."""
    w = world()
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)
    cid = claim_id("E1", "high_age_80")
    applied = viewed(
        STEWARD_CALLER, cid, step("apply", visit_id="v-1"), MORNING, RULES, w.approving
    )
    assert (applied.status, applied.visit_id) == (ClaimStatus.APPLIED, "v-1")
    assert applied.decision_due_at == datetime.fromisoformat("2026-03-16T23:59:59+08:00")
    afternoon = MORNING + timedelta(hours=5)
    approved = viewed(STREET, cid, step("approve"), afternoon, RULES, w.approving)
    assert (approved.status, approved.decided_on_time) == (ClaimStatus.APPROVED, True)
    ticket = w.approving.tickets.get_ticket(benefit_ticket_id("E1", "high_age_80"))
    assert ticket.status is TicketStatus.CLOSED and "approved" in ticket.result
    paid = viewed(DISTRICT, cid, step("pay", month="2026-03"), afternoon, RULES, w.approving)
    assert (paid.status, paid.paid_months) == (ClaimStatus.PAID, ["2026-03"])
    retried = viewed(DISTRICT, cid, step("pay", month="2026-03"), afternoon, RULES, w.approving)
    assert retried == paid  # the office's retry: nothing written
    assert w.approving.claims.get_claim(cid).paid_months == ("2026-03",)
    april = viewed(DISTRICT, cid, step("pay", month="2026-04"), afternoon, RULES, w.approving)
    assert april.paid_months == ["2026-03", "2026-04"]
    with pytest.raises(ValidationError, match="paid already"):
        take_claim_step(DISTRICT, cid, step("pay", month="2026-03"), afternoon, RULES, w.approving)

    report = summary(ADMIN, "city", "2026-03", afternoon, RULES, w.approving)
    assert (report.total.claims, report.total.decided, report.total.decided_on_time) == (2, 1, 1)
    assert report.total.yuan_paid == 100 and report.total.by_status == {"notified": 1, "paid": 1}
    assert summary(ADMIN, "city", "2026-04", afternoon, RULES, w.approving).total.yuan_paid == 100
    assert summary(ADMIN, "city", "2026-05", afternoon, RULES, w.approving).total.yuan_paid == 0


class CloseFailsOnce(memory_visits.MemoryTickets):
    """A crash between a claim's decision and closing its notice ticket, once."""

    failed = False

    def save_closed(self, ticket: Ticket) -> bool:
        if not self.failed:
            self.failed = True
            raise StorageError("tickets table down")
        return super().save_closed(ticket)


def test_a_decision_retried_after_a_crash_closes_the_notice_ticket_and_writes_nothing_more() -> (
    None
):
    w = world()
    tickets = CloseFailsOnce(memory_visits.MemoryCoverage())
    ports = replace(w.approving, tickets=tickets)
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, replace(w.scan, tickets=tickets))
    cid = claim_id("E1", "high_age_80")
    take_claim_step(STREET, cid, step("apply"), MORNING, RULES, ports)
    with pytest.raises(StorageError):
        take_claim_step(STREET, cid, step("approve"), MORNING, RULES, ports)
    decided = ports.claims.get_claim(cid)
    assert decided.status is ClaimStatus.APPROVED
    again = take_claim_step(
        STREET, cid, step("approve"), MORNING + timedelta(hours=1), RULES, ports
    )
    assert again.decided_at == MORNING and ports.claims.get_claim(cid) == decided
    ticket = tickets.get_ticket(benefit_ticket_id("E1", "high_age_80"))
    assert ticket.status is TicketStatus.CLOSED


def test_a_decision_after_the_day_applied_is_late_and_a_waiting_application_shows() -> None:
    w = world()
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)
    cid = claim_id("E1", "high_age_80")
    take_claim_step(STREET, cid, step("apply"), MORNING, RULES, w.approving)
    next_morning = MORNING + timedelta(days=1)
    assert (
        summary(ADMIN, "city", "2026-03", next_morning, RULES, w.approving).total.waiting_late == 1
    )
    late = viewed(STREET, cid, step("approve"), next_morning, RULES, w.approving)
    assert late.decided_on_time is False
    two_days = parse_approval({"approval_days": 2}, "benefit_approval")
    assert w.approving.claims.get_claim(cid).decided_on_time(two_days) is True


def test_a_care_subsidy_needs_a_subsistence_status_that_passes_the_means_test() -> None:
    w = world()
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)
    cid = claim_id("E2", "care_subsidy_disabled")
    with pytest.raises(ValidationError, match="means-tested"):
        take_claim_step(STREET, cid, step("apply"), MORNING, RULES, w.approving)
    take_claim_step(STREET, cid, step("apply", subsistence="none"), MORNING, RULES, w.approving)
    with pytest.raises(ValidationError, match="means test: subsistence status none"):
        take_claim_step(STREET, cid, step("approve"), MORNING, RULES, w.approving)
    assert w.approving.claims.get_claim(cid).status is ClaimStatus.APPLIED  # nothing written
    with pytest.raises(ValidationError, match="reason"):
        take_claim_step(STREET, cid, step("refuse"), MORNING, RULES, w.approving)
    refused = take_claim_step(
        STREET, cid, step("refuse", note="no subsistence status"), MORNING, RULES, w.approving
    )
    assert refused.status is ClaimStatus.REFUSED
    with pytest.raises(ValidationError, match="cannot take the step pay"):
        take_claim_step(DISTRICT, cid, step("pay", month="2026-03"), MORNING, RULES, w.approving)


def test_a_means_tested_claim_with_a_qualifying_status_is_approved() -> None:
    w = world()
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)
    cid = claim_id("E2", "care_subsidy_disabled")
    body = step("apply", subsistence="subsistence_allowance")
    take_claim_step(STREET, cid, body, MORNING, RULES, w.approving)
    assert take_claim_step(STREET, cid, step("approve"), MORNING, RULES, w.approving).status is (
        ClaimStatus.APPROVED
    )


@pytest.mark.parametrize(
    ("who", "kind"),
    [
        (Caller("W9", Role.STEWARD, "W9"), "apply"),  # not a steward of the elder's community
        (STEWARD_CALLER, "approve"),  # stewards apply only
        (Caller("s", Role.STREET_OFFICIAL, "S2"), "approve"),  # another street
        (STREET, "pay"),  # the district pays
        (Caller("d", Role.DISTRICT_OFFICIAL, "D2"), "pay"),
        (Caller("f", Role.FAMILY, "E1"), "apply"),
    ],
)
def test_only_the_roles_of_each_step_may_take_it(who: Caller, kind: str) -> None:
    w = world()
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)
    w.approving.stewards.save_stewards([replace(STEWARD, steward_id="W9", community_id="C9")])
    cid = claim_id("E1", "high_age_80")
    with pytest.raises(ForbiddenError):
        take_claim_step(who, cid, step(kind, month="2026-03"), MORNING, RULES, w.approving)
    assert w.approving.claims.get_claim(cid).status is ClaimStatus.NOTIFIED


class StaleClaims(MemoryBenefitClaims):
    """Answers every read with the claim as first read: another office's step in between."""

    def get_claim(self, claim_id: str) -> BenefitClaim:
        self.first = getattr(self, "first", None) or super().get_claim(claim_id)
        return self.first


def test_a_step_over_a_stale_read_is_a_conflict_and_writes_nothing() -> None:
    w = world()
    claims = StaleClaims()
    ports = replace(w.approving, claims=claims)
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, replace(w.scan, claims=claims))
    cid = claim_id("E1", "high_age_80")
    take_claim_step(STREET, cid, step("apply"), MORNING, RULES, ports)
    with pytest.raises(ConflictError, match="changed meanwhile"):
        take_claim_step(STREET, cid, step("refuse", note="moved away"), MORNING, RULES, ports)
    assert MemoryBenefitClaims.get_claim(claims, cid).status is ClaimStatus.APPLIED


def test_a_steward_reads_their_communitys_claims_and_officials_their_scopes() -> None:
    w = world()
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)
    assert len(list_claims(STEWARD_CALLER, "", None, RULES, w.approving)) == 2
    assert len(list_claims(STREET, "street:S1", "notified", RULES, w.approving)) == 2
    assert list_claims(STREET, "street:S1", "paid", RULES, w.approving) == []
    with pytest.raises(ForbiddenError):
        list_claims(STEWARD_CALLER, "street:S1", None, RULES, w.approving)
    with pytest.raises(ForbiddenError):
        list_claims(Caller("s", Role.STREET_OFFICIAL, "S2"), "street:S1", None, RULES, w.approving)
    with pytest.raises(ForbiddenError):
        summary(STREET, "city", "2026-03", MORNING, RULES, w.approving)


def test_the_80_tier_is_paid_only_when_the_policy_lists_it() -> None:
    """Given a policy whose high-age allowance starts at 90, an elder turning 80 qualifies
    for nothing; with the default policy, for high_age_80."""
    from_90 = parse_benefits({"high_age": {"90": 300, "100": 1000}}, "benefits")
    turning = replace(an_elder(born=date(1946, 3, 16)), elder_id="E1")
    assert from_90.qualifying(turning, DAY) == []
    assert POLICY.benefits.qualifying(turning, DAY) == [("high_age_80", 100)]


def test_the_street_office_is_told_once_of_an_application_to_decide_that_day() -> None:
    """Given notices on memory, when the steward applies (and the phone retries), then the
    street office gets one notice naming the claim, the rule and the time to decide by, and
    nothing about the elder."""
    w = world()
    outbox = MemoryOutbox()
    ports = replace(w.approving, notices=Notices(MemoryNotificationLog(), outbox))
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)
    cid = claim_id("E1", "high_age_80")
    take_claim_step(STEWARD_CALLER, cid, step("apply"), MORNING, RULES, ports)
    take_claim_step(STEWARD_CALLER, cid, step("apply"), MORNING, RULES, ports)
    [notice] = outbox.to("street:S1")
    assert (
        cid in notice.body
        and "high_age_80" in notice.body
        and "decide by 03-16 23:59" in notice.body
    )
    assert "E1" not in notice.body.replace(cid, "") and "王" not in notice.body
