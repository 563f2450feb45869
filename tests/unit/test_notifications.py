"""Telling people, on the memory adapters: each urgent dispatch, escalation, overdue ticket and
benefit to approve reaches its recipients once, however often its event is delivered or its
run repeated; a refused notice is stored as failed and goes out on the next try; a sender
that vanished mid-send is taken over after the lease; the messages name no elder."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from careroute.adapters import memory, memory_visits
from careroute.adapters.memory_notifications import MemoryNotificationLog, MemoryOutbox
from careroute.domain.incidents import IncidentStatus
from careroute.domain.notices import (
    SENDING_LEASE,
    DeliveryStatus,
    Notice,
    NoticeKind,
    Recipient,
    RecipientKind,
    dispatch_notice,
    escalation_notice,
)
from careroute.domain.policy import load_policy
from careroute.domain.tickets import Level
from careroute.domain.vocabulary import CHINA_TZ, Finding, FindingCategory, Registry, Severity
from careroute.service_layer.eligibility import BenefitScan, scan
from careroute.service_layer.incidents import IncidentHandling, escalate_unacknowledged, receive
from careroute.service_layer.notifications import Notices, notify
from careroute.service_layer.ticket_escalation import Escalation, run_escalator
from tests.builders import a_finding_ticket, an_elder
from tests.unit.conftest import STREET_TEN_AM
from tests.unit.test_benefit_scan_and_leave import AT, BIRTHDAY, HOME
from tests.unit.test_incident_use_cases import body
from tests.unit.test_incident_use_cases import ports as incident_ports  # noqa: F401 (a fixture)
from tests.unit.urgent_day import TEN

POLICY = load_policy()


@pytest.fixture
def notices() -> Notices:
    return Notices(MemoryNotificationLog(), MemoryOutbox())


@pytest.fixture
def handling(request: pytest.FixtureRequest, notices: Notices) -> IncidentHandling:
    """The incident use cases' memory ports (elder E1 of C1 with a belt, stewards W1 of C1 and
    W2 of C2), telling through `notices`."""
    ports: IncidentHandling = request.getfixturevalue("incident_ports")
    return replace(ports, notices=notices)


def outbox(notices: Notices) -> MemoryOutbox:
    assert isinstance(notices.notifier, MemoryOutbox)
    return notices.notifier


def a_notice(event: str = "in-1#dispatched", to: str = "steward:W1") -> Notice:
    return Notice(NoticeKind.INCIDENT_DISPATCHED, event, Recipient.parse(to), "subject", "body")


# ---------------------------------------------------------------------- once per event


def test_a_notice_is_sent_once_and_its_status_and_message_id_are_kept(notices: Notices) -> None:
    notice = a_notice()
    assert notify(notice, TEN, notices) is DeliveryStatus.SENT
    assert notify(notice, TEN + timedelta(hours=1), notices) is None
    assert outbox(notices).to("steward:W1") == [notice]
    record = notices.log.find(notice.notice_id)
    assert record is not None
    assert (record.status, record.message_id, record.sent_at, record.attempts) == (
        DeliveryStatus.SENT,
        "memory-1",
        TEN,
        1,
    )
    other = a_notice(to="street:S1")  # the same event to someone else is its own notice
    assert other.notice_id != notice.notice_id
    assert notify(other, TEN, notices) is DeliveryStatus.SENT


def test_a_refused_notice_is_stored_as_failed_and_the_next_try_sends_it(
    notices: Notices,
) -> None:
    notice = a_notice()
    outbox(notices).refusing = True
    assert notify(notice, TEN, notices) is DeliveryStatus.FAILED
    failed = notices.log.find(notice.notice_id)
    assert failed is not None and failed.status is DeliveryStatus.FAILED and failed.reason
    outbox(notices).refusing = False
    assert notify(notice, TEN + timedelta(minutes=1), notices) is DeliveryStatus.SENT
    sent = notices.log.find(notice.notice_id)
    assert sent is not None and (sent.status, sent.attempts) == (DeliveryStatus.SENT, 2)
    assert len(outbox(notices).sent) == 1


def test_a_claim_whose_sender_vanished_is_taken_over_after_the_lease_only(
    notices: Notices,
) -> None:
    notice = a_notice()
    assert notices.log.claim(notice, TEN)  # the sender dies before the channel answers
    assert notify(notice, TEN + SENDING_LEASE - timedelta(seconds=1), notices) is None
    assert notify(notice, TEN + SENDING_LEASE, notices) is DeliveryStatus.SENT
    assert len(outbox(notices).sent) == 1


# ---------------------------------------------------------------------- urgent incidents


def test_a_redelivered_fall_tells_its_responder_once(
    handling: IncidentHandling, notices: Notices
) -> None:
    incident = receive(body("fall-1"), TEN, POLICY, handling)
    again = receive(body("fall-1"), TEN + timedelta(seconds=30), POLICY, handling)
    assert again.incident_id == incident.incident_id
    assert incident.status is IncidentStatus.DISPATCHED
    [notice] = outbox(notices).sent
    assert (notice.kind, notice.recipient.key) == (NoticeKind.INCIDENT_DISPATCHED, "steward:W1")
    assert incident.incident_id in notice.body and "C1" in notice.body


def test_nobody_on_shift_tells_the_street_office_at_once_and_the_district_when_it_climbs(
    handling: IncidentHandling, notices: Notices
) -> None:
    night = TEN.replace(hour=21)
    incident = receive(body("fall-1", at=night), night, POLICY, handling)
    assert (incident.status, incident.level) == (IncidentStatus.NEW, Level.STREET)
    assert [n.recipient.key for n in outbox(notices).sent] == ["street:S1"]
    for _ in range(2):  # a repeated minute tells nobody again
        escalate_unacknowledged(night + timedelta(hours=2), POLICY, handling)
    assert [n.recipient.key for n in outbox(notices).sent] == ["street:S1", "district:D1"]
    assert "no steward or service worker on shift" in outbox(notices).sent[1].body


def test_a_dispatch_notice_lost_to_a_refusing_channel_goes_out_on_the_next_minute(
    handling: IncidentHandling, notices: Notices
) -> None:
    outbox(notices).refusing = True
    incident = receive(body("fall-1"), TEN, POLICY, handling)
    outbox(notices).refusing = False
    run = escalate_unacknowledged(TEN + timedelta(minutes=1), POLICY, handling)
    assert (run.told.sent, run.told.failed) == (1, 0)
    assert [n.notice_id for n in outbox(notices).sent] == [dispatch_notice(incident).notice_id]
    assert escalate_unacknowledged(TEN + timedelta(minutes=2), POLICY, handling).told.sent == 0


# ---------------------------------------------------------------------- tickets


def test_an_overdue_ticket_tells_its_holder_and_the_next_level_once_per_level(
    one_street: Registry, notices: Notices
) -> None:
    coverage, stewards = memory_visits.MemoryCoverage(), memory.MemoryStewards()
    stewards.save_stewards(one_street.stewards)
    ports = Escalation(
        memory_visits.MemoryTickets(coverage), stewards, memory.MemoryHolidays(), notices
    )
    need = Finding(FindingCategory.HEALTH, Severity.URGENT, "胸闷, 血压 180")
    ticket = a_finding_ticket(one_street, 0, need, STREET_TEN_AM, POLICY.tickets)
    ports.tickets.open_once(ticket)
    steward = one_street.stewards[0].steward_id

    late = ticket.due_at + timedelta(hours=1)
    for _ in range(2):  # the hourly run repeated: nobody told twice
        run_escalator(late, POLICY.ticket_duty, ports)
    assert [n.recipient.key for n in outbox(notices).sent] == [
        f"steward:{steward}",
        f"street:{ticket.street_id}",
    ]
    later = run_escalator(ticket.due_at + timedelta(hours=25), POLICY.ticket_duty, ports)
    assert (later.escalated, later.told.sent) == (1, 2)
    assert [n.recipient.key for n in outbox(notices).sent[2:]] == [
        f"street:{ticket.street_id}",
        f"district:{ticket.district_id}",
    ]
    for notice in outbox(notices).sent:  # the finding's note stays in the app
        assert "血压" not in notice.body and ticket.elder_id not in notice.body
        assert ticket.ticket_id in notice.body


# ---------------------------------------------------------------------- benefits


def scan_ports(notices: Notices | None) -> BenefitScan:
    """The benefit scan's ports in memory over community C1 (street S1), telling `notices`."""
    ports = BenefitScan(
        memory.MemoryCommunities(),
        memory.MemoryElders(),
        memory_visits.MemoryTickets(memory_visits.MemoryCoverage()),
        notices,
    )
    ports.communities.save_communities([HOME])
    return ports


def test_the_benefit_scan_tells_the_approving_street_office_once_for_all_it_found(
    notices: Notices,
) -> None:
    ports = scan_ports(notices)
    turning = an_elder(born=date(1946, 3, 15))
    twin = replace(turning, elder_id="E2")
    ports.elders.save_elders([turning, twin])
    first = scan(BIRTHDAY, AT, POLICY.benefits, POLICY.tickets, ports)
    scan(BIRTHDAY, AT, POLICY.benefits, POLICY.tickets, ports)  # a retried tick
    [notice] = outbox(notices).sent
    assert (first.notified, first.told.sent) == (2, 1)
    assert notice.recipient == Recipient(RecipientKind.STREET, "S1")
    assert "2 newly qualifying in street S1" in notice.body and "high_age_80 x2" in notice.body
    for ticket in ports.tickets.of_community("C1"):
        assert ticket.ticket_id in notice.body
    assert turning.name not in notice.body and "E1" not in notice.body


def test_a_scan_that_stopped_after_the_ticket_tells_the_office_on_its_retry(
    notices: Notices,
) -> None:
    """Given a run that opened the office ticket and stopped (no notice, no task), the retried
    tick opens no second ticket but tells the office."""
    ports = scan_ports(None)
    ports.elders.save_elders([an_elder(born=date(1946, 3, 15))])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ports.elders, "add_benefit_task", _crash)
        with pytest.raises(RuntimeError):
            scan(BIRTHDAY, AT, POLICY.benefits, POLICY.tickets, ports)
    retried = scan(BIRTHDAY, AT, POLICY.benefits, POLICY.tickets, replace(ports, notices=notices))
    assert (retried.notified, retried.told.sent) == (0, 1)
    assert [n.recipient.key for n in outbox(notices).sent] == ["street:S1"]


def _crash(*args: object) -> None:
    raise RuntimeError("the runtime stopped before the task was added")


def test_notice_keys_name_their_recipient_and_nothing_else() -> None:
    assert Recipient.parse("worker:wk-7") == Recipient(RecipientKind.WORKER, "wk-7")
    for bad in ("nobody:x", "street:", "street"):
        with pytest.raises(ValueError):
            Recipient.parse(bad)
    with pytest.raises(ValueError):
        Notice(NoticeKind.TICKET_OVERDUE, "e", Recipient.parse("street:S1"), "x" * 101, "body")
    assert a_notice().notice_id == a_notice().notice_id != a_notice("in-2#dispatched").notice_id


def test_a_benefit_notice_the_channel_refused_is_sent_by_the_next_days_scan(
    notices: Notices,
) -> None:
    """Given the channel down on the scan day, the elder's task waits; the next day's scan
    finds the elder again, opens no second ticket, tells the office and adds the task."""
    ports = scan_ports(notices)
    ports.elders.save_elders([an_elder(born=date(1946, 3, 15))])
    outbox(notices).refusing = True
    down = scan(BIRTHDAY, AT, POLICY.benefits, POLICY.tickets, ports)
    assert (down.notified, down.told.failed) == (1, 1)
    assert ports.elders.get_elder("C1", "E1").benefit_tasks == frozenset()
    outbox(notices).refusing = False
    next_day = BIRTHDAY + timedelta(days=1)
    up = scan(next_day, AT + timedelta(days=1), POLICY.benefits, POLICY.tickets, ports)
    assert (up.found, up.notified, up.told.sent) == (1, 0, 1)
    assert ports.elders.get_elder("C1", "E1").benefit_tasks == {"high_age_80"}
    assert [n.recipient.key for n in outbox(notices).sent] == ["street:S1"]
    [ticket] = ports.tickets.of_community("C1")
    due = ticket.due_at.astimezone(CHINA_TZ).strftime("%m-%d %H:%M")
    assert f"first due {due}" in outbox(notices).sent[0].body  # the stored ticket's


def test_a_worker_responder_is_told_as_a_worker_and_a_district_escalation_goes_to_the_district(
    handling: IncidentHandling,
) -> None:
    night = TEN.replace(hour=21)
    incident = receive(body("fall-1", at=night), night, POLICY, handling)
    by_worker = replace(
        incident,
        status=IncidentStatus.DISPATCHED,
        responder_id="WK-7",
        responder_provider_id="P-1",
        eta=night + timedelta(minutes=12),
    )
    told = dispatch_notice(by_worker)
    assert told.recipient == Recipient(RecipientKind.WORKER, "WK-7")
    assert "your ETA 12-08 21:12" in told.body
    district = escalation_notice(replace(incident, level=Level.DISTRICT))
    assert (district.recipient.key, district.event) == (
        "district:D1",
        f"{incident.incident_id}#level:district",
    )
