"""The daily benefit scan (policy finds people): walk every community's active elders, and
for each benefit an elder newly qualifies for, open a ticket for the approving street office
and add a task for the elder's next visit.

Exactly once per elder per rule: the office ticket has a deterministic id and is stored with
a conditional put, so it is the notification marker; the task is appended only when absent.
The ticket goes first, then the office is told, then the task: a retried run after a crash
between them re-adds the task, opens no second ticket and tells the office once. A notice the
channel refused leaves the task out, so the next day's scan finds the elder again and tells
the office then. Only counts leave this module (no personal data).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from careroute.domain.eligibility import Benefits, newly_qualifying, office_ticket
from careroute.domain.tickets import TicketSla
from careroute.service_layer.notifications import Notices, Told, tell_benefit_office
from careroute.service_layer.ports import CommunityRepository, ElderRepository, TicketRepository


@dataclass(frozen=True)
class BenefitScan:
    """The ports the daily benefit scan reads and writes."""

    communities: CommunityRepository
    elders: ElderRepository
    tickets: TicketRepository
    notices: Notices | None = None
    """Who is told of the approvals to make; None tells nobody (the memory simulation)."""


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

    def summary(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "found": self.found,
            "notified": self.notified,
            "by_rule": dict(sorted(self.by_rule.items())),
        }


def scan(
    on: date, at: datetime, benefits: Benefits, sla: TicketSla, ports: BenefitScan
) -> ScanReport:
    """Notify the office and the next visit of every benefit newly qualified for on `on`;
    `at` is the opening time of the tickets (the scheduled time, the same on a retry)."""
    report = ScanReport(on=on)
    for community in ports.communities.all_communities():
        for elder in ports.elders.elders_of_community(community.community_id):
            for rule_id, yuan in newly_qualifying(elder, on, elder.benefit_tasks, benefits):
                report.found += 1
                ticket = office_ticket(elder, rule_id, yuan, at, sla)
                opened = ports.tickets.open_once(ticket)
                if opened:
                    report.notified += 1
                    report.by_rule[rule_id] += 1
                if ports.notices is not None:  # before the task: a retry still finds the elder
                    stored = ticket if opened else ports.tickets.get_ticket(ticket.ticket_id)
                    told = tell_benefit_office(stored, at, ports.notices)
                    report.told.add(told)
                    if told.failed:
                        continue  # found again by the next scan, which tells the office then
                ports.elders.add_benefit_task(elder.community_id, elder.elder_id, rule_id)
    return report
