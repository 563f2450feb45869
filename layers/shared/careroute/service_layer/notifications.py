"""Telling people: each notice claimed in the log, handed to the channel, its status stored.

Once per event and recipient: the log's claim is a conditional write keyed by the notice id
(event + recipient), written before the channel is called, so a redelivered queue message or
a repeated scheduled run finds the notice claimed or sent and sends nothing. A channel that
refuses a notice leaves it FAILED, and the next run or redelivery of its event tries again; a
sender that vanished mid-send leaves a claim the next try takes over once its lease is over.

The callers tell from state, not from transitions: whatever the incident or ticket is now
(dispatched, escalated, overdue) is told, so a crash between a write and its notice loses
nothing; the log makes the repeat silent. Only counts leave this module (no personal data).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from careroute.domain.errors import NotFoundError
from careroute.domain.incidents import Incident, IncidentStatus
from careroute.domain.notices import (
    DeliveryStatus,
    Notice,
    benefit_digest,
    dispatch_notice,
    escalation_notice,
    overdue_notices,
)
from careroute.domain.tickets import Level, Ticket
from careroute.service_layer.ports import (
    DeliveryFailed,
    NotificationLog,
    Notifier,
    StewardRepository,
    TicketRepository,
)

TOLD_OF_DISPATCH = frozenset({IncidentStatus.DISPATCHED, IncidentStatus.ACKNOWLEDGED})
"""An incident whose responder has the visit on their route (and has not arrived yet)."""


@dataclass(frozen=True)
class Notices:
    """The ports of telling people: the log that keeps each notice once, and the channel."""

    log: NotificationLog
    notifier: Notifier


@dataclass
class Told:
    """What a run of notices did, by status; a notice already claimed or sent counts as
    `repeated`."""

    counts: Counter[str] = field(default_factory=Counter)

    @property
    def sent(self) -> int:
        return self.counts[DeliveryStatus.SENT.value]

    @property
    def failed(self) -> int:
        return self.counts[DeliveryStatus.FAILED.value]

    def metrics(self) -> dict[str, int]:
        """The counts as the functions' metrics."""
        return {"NoticesSent": self.sent, "NoticesFailed": self.failed}

    def summary(self) -> dict[str, int]:
        """The counts as a scheduled run's summary reports them."""
        return {"notices_sent": self.sent, "notices_failed": self.failed}

    def add(self, other: Told) -> Told:
        self.counts.update(other.counts)
        return self


def notify(notice: Notice, now: datetime, notices: Notices) -> DeliveryStatus | None:
    """Send the notice unless it was sent (or is being sent) already; its status now, or
    None when it was a repeat."""
    if not notices.log.claim(notice, now):
        return None
    try:
        message_id = notices.notifier.send(notice)
    except DeliveryFailed as exc:
        notices.log.record_failed(notice, str(exc), now)
        return DeliveryStatus.FAILED
    notices.log.record_sent(notice, message_id, now)
    return DeliveryStatus.SENT


def _tell(found: Iterable[Notice], now: datetime, notices: Notices) -> Told:
    told = Told()
    for notice in found:
        status = notify(notice, now, notices)
        told.counts[status.value if status else "repeated"] += 1
    return told


def incident_notices(incident: Incident) -> list[Notice]:
    """What an incident's state asks to tell: its responder once it is dispatched to them,
    and the office of its level once it is above the steward."""
    found = []
    if incident.status in TOLD_OF_DISPATCH and incident.responder_id:
        found.append(dispatch_notice(incident))
    if incident.level is not Level.STEWARD and incident.is_open:
        found.append(escalation_notice(incident))
    return found


def tell_incident(incident: Incident, now: datetime, notices: Notices) -> Told:
    """Tell what the incident's state asks for (a repeat tells nobody again)."""
    return _tell(incident_notices(incident), now, notices)


def tell_overdue_tickets(
    tickets: TicketRepository, stewards: StewardRepository, now: datetime, notices: Notices
) -> Told:
    """Every open ticket past due (escalated to street or district by now): its previous
    holder and the office holding it, once per level it reaches."""
    found: list[Notice] = []
    steward_of: dict[str, str | None] = {}
    for ticket in tickets.open_due_before(now):
        if ticket.level is Level.STEWARD:
            continue  # not escalated (yet): the escalator moves it first
        if ticket.community_id not in steward_of:
            steward_of[ticket.community_id] = _steward_id(stewards, ticket.community_id)
        found.extend(overdue_notices(ticket, steward_of[ticket.community_id]))
    return _tell(found, now, notices)


def _steward_id(stewards: StewardRepository, community_id: str) -> str | None:
    try:
        return stewards.steward_of_community(community_id).steward_id
    except NotFoundError:
        return None


def tell_benefit_offices(
    tickets: list[Ticket], on: date, now: datetime, notices: Notices
) -> tuple[Told, set[str]]:
    """Each approving street office, of the benefit tickets the scan of `on` found for it (one
    message per office and scan); what was told, and the streets whose office the channel
    refused (their elders are found again by the next scan, which tells them then)."""
    by_street: dict[str, list[Ticket]] = {}
    for ticket in tickets:
        by_street.setdefault(ticket.street_id, []).append(ticket)
    told, refused = Told(), set()
    for street_id, theirs in sorted(by_street.items()):
        status = notify(benefit_digest(street_id, on, theirs), now, notices)
        told.counts[status.value if status else "repeated"] += 1
        if status is DeliveryStatus.FAILED:
            refused.add(street_id)
    return told, refused
