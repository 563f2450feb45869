"""The benefit scan after a registry re-import (which clears every elder's "notified"
markers), on the memory adapters: an elder whose claim came in by import, or whose claim the
office already decided, gets the marker back and no second notice ticket or word to the
office; an elder with no claim is notified as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from careroute.adapters.memory_notifications import MemoryNotificationLog, MemoryOutbox
from careroute.domain.benefits import claim_id, notified_claim
from careroute.domain.eligibility import benefit_ticket_id
from careroute.domain.errors import NotFoundError
from careroute.service_layer.benefits import take_claim_step
from careroute.service_layer.eligibility import scan
from careroute.service_layer.notifications import Notices
from careroute.service_layer.ports import ElderRepository, TicketRepository
from tests.unit.test_benefit_claims import DAY, MORNING, POLICY, RULES, SCAN_AT, STREET, step, world

IMPORTED_AT = SCAN_AT - timedelta(days=200)
"""When the old system notified the imported claim."""


def _has_ticket(tickets: TicketRepository, ticket_id: str) -> bool:
    try:
        tickets.get_ticket(ticket_id)
    except NotFoundError:
        return False
    return True


def test_an_imported_claim_gets_no_notice_ticket_after_a_registry_reimport() -> None:
    """Given E1's high-age claim imported (notified by the old system, no ticket here) and a
    registry just imported (no markers), when the scan runs, then E1 gets the marker back and
    no ticket, while E2 (no claim) is notified as before."""
    w = world()
    e1 = w.scan.elders.get_elder("C1", "E1")
    imported = notified_claim(e1, "high_age_80", 100, IMPORTED_AT)
    assert w.approving.claims.import_claims([imported]) == 1

    report = scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, w.scan)

    assert not _has_ticket(w.scan.tickets, benefit_ticket_id("E1", "high_age_80"))
    assert _has_ticket(w.scan.tickets, benefit_ticket_id("E2", "care_subsidy_disabled"))
    assert (report.found, report.notified, report.already_known) == (2, 1, 1)
    assert dict(report.by_rule) == {"care_subsidy_disabled": 1}
    assert w.scan.claims is not None
    assert w.scan.claims.get_claim(claim_id("E1", "high_age_80")) == imported
    assert w.scan.elders.get_elder("C1", "E1").benefit_tasks == {"high_age_80"}
    again = scan(DAY + timedelta(days=1), SCAN_AT + timedelta(days=1), POLICY.benefits,
                 POLICY.tickets, w.scan)  # fmt: skip
    assert (again.found, again.notified) == (0, 0)


def test_an_office_told_before_hears_nothing_more_after_a_registry_reimport() -> None:
    """Given E1 and E2 notified (the office's digest sent) and E1's claim refused, when the
    registry is imported again and the next day's scan runs, then the office hears nothing
    more of either (E1's claim decided, E2's ticket told) and both get their marker back."""
    w = world()
    outbox = MemoryOutbox()
    ports = replace(w.scan, notices=Notices(MemoryNotificationLog(), outbox))
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, ports)
    cid = claim_id("E1", "high_age_80")
    take_claim_step(STREET, cid, step("refuse", note="declined"), MORNING, RULES, w.approving)
    told_before = len(outbox.to("street:S1"))
    reimport(w.scan.elders)

    next_day = scan(DAY + timedelta(days=1), SCAN_AT + timedelta(days=1), POLICY.benefits,
                    POLICY.tickets, ports)  # fmt: skip

    assert outbox.to("street:S1")[told_before:] == []
    assert (next_day.already_known, next_day.notified) == (2, 0)
    assert w.scan.elders.get_elder("C1", "E1").benefit_tasks == {"high_age_80"}
    assert w.scan.elders.get_elder("C1", "E2").benefit_tasks == {"care_subsidy_disabled"}


def test_an_office_the_channel_refused_is_told_by_the_next_scan_even_after_a_reimport() -> None:
    """Given the first scan's digest refused by the channel, when the registry is imported
    again and the next day's scan runs with the channel back, then the office is told of
    both tickets (no second ticket is opened)."""
    w = world()
    outbox = MemoryOutbox()
    outbox.refusing = True
    ports = replace(w.scan, notices=Notices(MemoryNotificationLog(), outbox))
    scan(DAY, SCAN_AT, POLICY.benefits, POLICY.tickets, ports)
    outbox.refusing = False
    reimport(w.scan.elders)

    next_day = scan(DAY + timedelta(days=1), SCAN_AT + timedelta(days=1), POLICY.benefits,
                    POLICY.tickets, ports)  # fmt: skip

    [digest] = outbox.to("street:S1")
    assert benefit_ticket_id("E1", "high_age_80") in digest.body
    assert benefit_ticket_id("E2", "care_subsidy_disabled") in digest.body
    assert (next_day.already_known, next_day.notified) == (0, 0)


def reimport(elders: ElderRepository) -> None:
    """The registry imported again: the same elders, saved without their markers."""
    elders.save_elders([elders.get_elder("C1", e) for e in ("E1", "E2")])
