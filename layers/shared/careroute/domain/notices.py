"""Notices: the messages that reach people who are not looking at a page.

Pure: no AWS. Five moments tell someone to act:

- an urgent incident is dispatched: its responder (a steward or a home-service worker);
- an incident nobody acknowledged moves up a level: the office of that level;
- a follow-up ticket is overdue and moves up: the one who held it and the office now holding it;
- the benefit scan opens approval tickets: the approving street office, once per scan;
- an elder applies for a notified benefit: the street office, which decides by the end of
  the day (benefits.py).

A notice is keyed by its event (what happened, e.g. "in-3f2a#dispatched") and its recipient,
so the same event told twice (a redelivered queue message, a repeated scheduled run) is one
notice: its id is derived from both. A notice carries only what its receiver needs to act and
may see anyway in the app: opaque ids, the community, the kind of event, the deadline. Never an
elder's name, address, ID number or visit notes; the app shows those to whoever may see them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from careroute.domain.benefits import BenefitClaim
from careroute.domain.incidents import Incident
from careroute.domain.stable_ids import stable_id
from careroute.domain.tickets import Level, Ticket
from careroute.domain.vocabulary import CHINA_TZ


class RecipientKind(StrEnum):
    """Who a notice goes to: a person on the ground, or an office."""

    STEWARD = "steward"
    WORKER = "worker"
    """A home-service worker responding to an urgent incident."""
    STREET = "street"
    """The street office (街道): its duty officer."""
    DISTRICT = "district"
    """The district civil-affairs office."""


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    recipient_id: str
    """The steward's, worker's, street's or district's id."""

    def __post_init__(self) -> None:
        if not self.recipient_id or ":" in self.recipient_id:
            raise ValueError("a recipient id is non-empty and has no ':'")

    @property
    def key(self) -> str:
        """'street:st-001': how channels address the recipient (an SNS subscription's filter,
        the local outbox's listing)."""
        return f"{self.kind.value}:{self.recipient_id}"

    @classmethod
    def parse(cls, key: str) -> Recipient:
        """The recipient of a key such as 'steward:sw-001'; ValueError otherwise."""
        kind, _, recipient_id = key.partition(":")
        try:
            return cls(RecipientKind(kind), recipient_id)
        except ValueError as exc:
            raise ValueError(f"not a recipient key: {key!r}") from exc


class NoticeKind(StrEnum):
    INCIDENT_DISPATCHED = "incident_dispatched"
    INCIDENT_ESCALATED = "incident_escalated"
    TICKET_OVERDUE = "ticket_overdue"
    BENEFIT_TO_APPROVE = "benefit_to_approve"
    CLAIM_TO_DECIDE = "claim_to_decide"


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    event: str
    """What happened, the same however often it is told ('tk-12ab#overdue:street')."""
    recipient: Recipient
    subject: str
    """One line (an e-mail's subject, at most 100 characters)."""
    body: str
    """The message (an SMS or an e-mail's text)."""

    def __post_init__(self) -> None:
        if not 0 < len(self.subject) <= 100:
            raise ValueError("a notice's subject is 1..100 characters")
        if not self.body:
            raise ValueError("a notice has a body")

    @property
    def notice_id(self) -> str:
        """Deterministic: the same event to the same recipient is the same notice."""
        return stable_id("nt-", f"{self.event}#{self.recipient.key}")


class DeliveryStatus(StrEnum):
    """Where a notice is: claimed by one sender, handed to the channel, or refused by it."""

    SENDING = "sending"
    SENT = "sent"
    """Accepted by the channel (SNS, the local outbox) with a message id."""
    FAILED = "failed"
    """The channel refused it; the next run or redelivery of its event tries again."""


SENDING_LEASE = timedelta(minutes=2)
"""How long a claim holds: a sender silent this long after claiming vanished (the runtime was
killed mid-send), and the next try takes the notice over. A channel answers in a second."""


@dataclass(frozen=True)
class NoticeRecord:
    """What the log keeps of a notice: ids and status, never the message (no personal data)."""

    notice_id: str
    kind: NoticeKind
    event: str
    recipient: str
    """The recipient's key ('street:st-001')."""
    status: DeliveryStatus
    claimed_at: datetime
    attempts: int
    """Claims so far: 1 when the first try went out."""
    message_id: str = ""
    sent_at: datetime | None = None
    reason: str = ""
    """Why the channel refused it (the last failure)."""


def may_claim(record: NoticeRecord | None, now: datetime) -> bool:
    """Whether a sender may claim the notice now: never claimed, its last try failed, or its
    claim outlived the lease without an answer."""
    if record is None or record.status is DeliveryStatus.FAILED:
        return True
    return record.status is DeliveryStatus.SENDING and record.claimed_at <= now - SENDING_LEASE


def _clock(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%m-%d %H:%M")


def _kind_of_event(incident: Incident) -> str:
    return incident.event_type.value.replace("_", " ")


OFFICE_OF_LEVEL = {Level.STREET: RecipientKind.STREET, Level.DISTRICT: RecipientKind.DISTRICT}


def office(level: Level, street_id: str, district_id: str) -> Recipient:
    """The office holding what is at `level` (street or district)."""
    kind = OFFICE_OF_LEVEL[level]
    return Recipient(kind, street_id if kind is RecipientKind.STREET else district_id)


def responder(incident: Incident) -> Recipient:
    """The incident's responder: a home-service worker when a provider is set, else a steward."""
    kind = RecipientKind.WORKER if incident.responder_provider_id else RecipientKind.STEWARD
    return Recipient(kind, incident.responder_id)


def dispatch_notice(incident: Incident) -> Notice:
    """To the responder, once the visit is on their route: what, where, by when."""
    eta = f" (your ETA {_clock(incident.eta)})" if incident.eta else ""
    body = (
        f"CareRoute urgent ({incident.severity.value}): {_kind_of_event(incident)} for an elder "
        f"of community {incident.community_id}. Arrive by {_clock(incident.arrive_due_at)}"
        f"{eta}; acknowledge by {_clock(incident.ack_due_at)}. The address and contact are on "
        f"today's route in the app. Incident {incident.incident_id}."
    )
    return Notice(
        NoticeKind.INCIDENT_DISPATCHED,
        f"{incident.incident_id}#dispatched",
        responder(incident),
        "CareRoute: an urgent visit is on your route",
        body,
    )


def escalation_notice(incident: Incident) -> Notice:
    """To the office of the incident's level, when nobody acknowledged it in time (or nobody
    on shift could be dispatched)."""
    why = (
        "no steward or service worker on shift can reach the elder"
        if incident.dispatch_note and not incident.responder_id
        else f"not acknowledged by its responder (due {_clock(incident.ack_due_at)})"
    )
    body = (
        f"CareRoute escalation: incident {incident.incident_id} ({incident.severity.value}, "
        f"{_kind_of_event(incident)}) in community {incident.community_id} is {why}; it is now "
        f"with the {incident.level.value} office. Arrival was due {_clock(incident.arrive_due_at)}."
        " Open the incidents page to act."
    )
    return Notice(
        NoticeKind.INCIDENT_ESCALATED,
        f"{incident.incident_id}#level:{incident.level.value}",
        office(incident.level, incident.street_id, incident.district_id),
        f"CareRoute: incident escalated to the {incident.level.value} office",
        body,
    )


def overdue_notices(ticket: Ticket, steward_id: str | None) -> list[Notice]:
    """An overdue ticket at street or district level, to the one who held it before (the
    community's steward, `steward_id`, or the street office) and to the office holding it now.
    No steward (a community without one): the office alone."""
    holder = office(ticket.level, ticket.street_id, ticket.district_id)
    if ticket.level is Level.DISTRICT:
        before: Recipient | None = office(Level.STREET, ticket.street_id, ticket.district_id)
    else:
        before = Recipient(RecipientKind.STEWARD, steward_id) if steward_id else None
    body = (
        f"CareRoute: follow-up ticket {ticket.ticket_id} ({ticket.category.value}, "
        f"{ticket.severity.value}) of community {ticket.community_id} was due "
        f"{_clock(ticket.due_at)} and is still open; it is now with the {ticket.level.value} "
        "office. Open the tickets page to act."
    )
    return [
        Notice(
            NoticeKind.TICKET_OVERDUE,
            f"{ticket.ticket_id}#overdue:{ticket.level.value}",
            recipient,
            f"CareRoute: overdue ticket, now with the {ticket.level.value} office",
            body,
        )
        for recipient in ([before] if before else []) + [holder]
    ]


DIGEST_IDS = 3
"""Ticket ids a benefit digest names; the rest are counted (an SMS stays short)."""


def benefit_digest(street_id: str, on: date, tickets: list[Ticket]) -> Notice:
    """To the approving street office: the benefit tickets the scan of `on` opened for its
    elders, in one message (the first scan finds everyone already qualifying: one message per
    office, not one per elder). Tickets' notes name the rule and amount, nothing about an
    elder ('high_age_90: 300 yuan/month')."""
    rules = Counter(t.note.partition(":")[0] for t in tickets)
    ids = sorted(t.ticket_id for t in tickets)
    more = f" and {len(ids) - DIGEST_IDS} more" if len(ids) > DIGEST_IDS else ""
    body = (
        f"CareRoute benefits to approve: {len(tickets)} newly qualifying in street {street_id} "
        f"(scan of {on.isoformat()}): "
        + ", ".join(f"{rule} x{n}" for rule, n in sorted(rules.items()))
        + f". Tickets {', '.join(ids[:DIGEST_IDS])}{more}; the first due "
        f"{_clock(min(t.due_at for t in tickets))}. The elders are on the tickets page."
    )
    return Notice(
        NoticeKind.BENEFIT_TO_APPROVE,
        f"benefits:{street_id}#{on.isoformat()}",
        Recipient(RecipientKind.STREET, street_id),
        f"CareRoute: {len(tickets)} benefit(s) to approve",
        body,
    )


def application_notice(claim: BenefitClaim, decide_by: datetime) -> Notice:
    """To the street office: an application to decide by `decide_by` (the claim's id, rule,
    amount and community; nothing about the elder)."""
    return Notice(
        NoticeKind.CLAIM_TO_DECIDE,
        f"{claim.claim_id}#applied",
        Recipient(RecipientKind.STREET, claim.street_id),
        "CareRoute: a benefit application to decide",
        f"CareRoute: an application for {claim.rule_id} ({claim.yuan} yuan/month) in community "
        f"{claim.community_id}, claim {claim.claim_id}: decide by {_clock(decide_by)}. The elder "
        "is on the claims page.",
    )
