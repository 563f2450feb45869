"""The daily benefit scan (policy finds people): walk every community's active elders, and
for each benefit an elder newly qualifies for, open a ticket for the approving street office
and add a task for the elder's next visit.

Exactly once per elder per rule: the office ticket has a deterministic id and is stored with
a conditional put, so it is the notification marker; the task is appended only when absent.
The tickets go first, then each office is told once (one message per office and scan), then
the tasks: a retried run after a crash between them opens no second ticket, tells no office
twice and adds the tasks. An office the channel refused keeps its elders' tasks out, so the
next scan finds them again and tells the office then. Each (elder, rule) also opens its
benefit claim (benefits.py: notified, then applied, decided and paid through the benefits
API), by a conditional put with an id derived from both, so a repeated run opens none.

A registry re-import clears the elders' markers, so the scan finds everyone again. A pair
the office already knows of only gets its marker back, with no ticket and no word to the
office: its claim is held without a notice of the scan (imported with its history, or past
the notice: applied, decided, paid), or its notice ticket was opened by an earlier scan whose
digest to the office went out. A ticket whose digest the channel refused is told again (the
retry above); so is one opened by this scan (a retried run).
Only counts leave this module (no personal data).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from careroute.domain.benefits import ClaimStatus, claim_id, notified_claim
from careroute.domain.eligibility import Benefits, newly_qualifying, office_ticket
from careroute.domain.errors import NotFoundError
from careroute.domain.notices import DeliveryStatus, benefit_digest
from careroute.domain.tickets import Ticket, TicketSla
from careroute.domain.vocabulary import Elder, china_date
from careroute.service_layer.notifications import Notices, Told, tell_benefit_offices
from careroute.service_layer.ports import CommunityRepository, ElderRepository, TicketRepository
from careroute.service_layer.ports.benefits import BenefitClaims


@dataclass(frozen=True)
class BenefitScan:
    """The ports the daily benefit scan reads and writes."""

    communities: CommunityRepository
    elders: ElderRepository
    tickets: TicketRepository
    notices: Notices | None = None
    """Who is told of the approvals to make; None tells nobody (the memory simulation)."""
    claims: BenefitClaims | None = None
    """Where each notified benefit's claim is opened; None opens none."""


@dataclass
class ScanReport:
    on: date
    found: int = 0
    """(elder, rule) pairs found not yet on the elder's tasks."""
    notified: int = 0
    """Office tickets opened by this run (a repeated run opens none)."""
    by_rule: Counter[str] = field(default_factory=Counter)
    """Office tickets opened, per rule id."""
    told: Told = field(default_factory=Told)
    """Notices to the approving offices sent (or failed) by this run."""
    claims_opened: int = 0
    """Benefit claims opened by this run (a repeated run opens none)."""
    already_known: int = 0
    """Pairs found that the office already knew of (a claim it holds, a ticket it was told
    of): their marker restored, nobody notified again."""

    def summary(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "found": self.found,
            "notified": self.notified,
            "by_rule": dict(sorted(self.by_rule.items())),
            "claims_opened": self.claims_opened,
        }


def scan(
    on: date, at: datetime, benefits: Benefits, sla: TicketSla, ports: BenefitScan
) -> ScanReport:
    """Notify the office and the next visit of every benefit newly qualified for on `on`;
    `at` is the opening time of the tickets (the scheduled time, the same on a retry)."""
    report = ScanReport(on=on)
    found: list[tuple[Elder, str, Ticket]] = []
    sent: dict[str, bool] = {}
    """Digest id -> it went out (one read per office and day, not per ticket)."""
    for community in ports.communities.all_communities():
        for elder in ports.elders.elders_of_community(community.community_id):
            for rule_id, yuan in newly_qualifying(elder, on, elder.benefit_tasks, benefits):
                report.found += 1
                ticket = office_ticket(elder, rule_id, yuan, at, sla)
                if _claim_held(elder, rule_id, ticket.ticket_id, ports):
                    report.already_known += 1
                    ports.elders.add_benefit_task(elder.community_id, elder.elder_id, rule_id)
                    continue
                if ports.tickets.open_once(ticket):
                    report.notified += 1
                    report.by_rule[rule_id] += 1
                elif ports.notices is not None:  # opened by an earlier run: its own due time
                    ticket = ports.tickets.get_ticket(ticket.ticket_id)
                if ports.claims is not None:
                    claim = notified_claim(elder, rule_id, yuan, at)
                    report.claims_opened += ports.claims.open_claim(claim)
                if ports.notices is not None and _office_told(ticket, on, ports.notices, sent):
                    report.already_known += 1
                    ports.elders.add_benefit_task(elder.community_id, elder.elder_id, rule_id)
                    continue
                found.append((elder, rule_id, ticket))
    refused: set[str] = set()
    if ports.notices is not None:  # before the tasks: a retry still finds the elders
        report.told, refused = tell_benefit_offices([t for *_, t in found], on, at, ports.notices)
    for elder, rule_id, ticket in found:
        if ticket.street_id not in refused:
            ports.elders.add_benefit_task(elder.community_id, elder.elder_id, rule_id)
    return report


def _claim_held(elder: Elder, rule_id: str, ticket_id: str, ports: BenefitScan) -> bool:
    """True when the office already holds the elder's claim for the rule without a notice of
    the scan: the claim went past the notice, or it came in by import (no notice ticket)."""
    if ports.claims is None:
        return False
    try:
        claim = ports.claims.get_claim(claim_id(elder.elder_id, rule_id))
    except NotFoundError:
        return False
    if claim.status is not ClaimStatus.NOTIFIED:
        return True
    try:
        ports.tickets.get_ticket(ticket_id)
    except NotFoundError:
        return True
    return False


def _office_told(ticket: Ticket, on: date, notices: Notices, sent: dict[str, bool]) -> bool:
    """True when an earlier scan told the office of the ticket: the digest of the day it was
    opened went out (one the channel refused, or this scan's own ticket, is told now).
    `sent` keeps the digests looked up."""
    opened_on = china_date(ticket.opened_at)
    if opened_on >= on:
        return False
    digest_id = benefit_digest(ticket.street_id, opened_on, [ticket]).notice_id
    if digest_id not in sent:
        record = notices.log.find(digest_id)
        sent[digest_id] = record is not None and record.status is DeliveryStatus.SENT
    return sent[digest_id]
