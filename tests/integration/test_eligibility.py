"""Policy finds people on the local stack: the daily scan schedule opens one street-office
ticket and one next-visit task per elder per newly qualifying rule, and a repeated (or
retried) tick opens nothing new."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from careroute.adapters.dynamodb import registry, tickets
from careroute.domain.eligibility import Benefits, benefit_ticket_id
from careroute.domain.tickets import Level, TicketSource
from careroute.domain.vocabulary import CHINA_TZ, Elder, ElderStatus, Registry
from careroute_local.pump import EventPump
from tests.conftest import TODAY, bearer

BENEFITS = Benefits()


def tick(on: date) -> datetime:
    """When the daily benefit scan runs on `on`: 06:00 China time."""
    return datetime.combine(on, time(6), CHINA_TZ)


def crossings(elders: list[Elder], on: date) -> set[tuple[str, str]]:
    """(elder, rule) pairs that qualify on `on` and did not the day before."""

    def rules(e: Elder, day: date) -> set[tuple[str, str]]:
        return {(e.elder_id, r) for r, _ in BENEFITS.qualifying(e, day)}

    active = [e for e in elders if e.status is ElderStatus.ACTIVE]
    return {p for e in active for p in rules(e, on) - rules(e, on - timedelta(days=1))}


def test_an_elder_turning_90_is_found_once(tiny_stack: EventPump, tiny_city: Registry) -> None:
    pump = tiny_stack
    active = [e for e in tiny_city.elders if e.status is ElderStatus.ACTIVE]
    # a scan day on which nobody else in the city crosses a threshold
    scan_day = next(
        TODAY + timedelta(days=d) for d in range(1, 366)
        if not crossings(active, TODAY + timedelta(days=d))
    )  # fmt: skip
    chosen = replace(active[0], birth_date=scan_day.replace(year=scan_day.year - 90))
    registry.save_elders([chosen])

    baseline = pump.fire_schedule("EligibilityFunction", tick(scan_day - timedelta(days=1)))
    assert baseline["notified"] == baseline["found"] > 0
    assert benefit_ticket_id(chosen.elder_id, "high_age_80") in {
        t.ticket_id for t in tickets.of_community(chosen.community_id)
    }

    found = pump.fire_schedule("EligibilityFunction", tick(scan_day))
    assert found == {
        "on": scan_day.isoformat(), "found": 1, "notified": 1, "by_rule": {"high_age_90": 1},
        "claims_opened": 1,
    }  # fmt: skip
    ticket = tickets.get_ticket(benefit_ticket_id(chosen.elder_id, "high_age_90"))
    assert (ticket.source, ticket.level, ticket.visit_id) == (
        TicketSource.BENEFIT,
        Level.STREET,
        "",
    )
    assert ticket.note == "high_age_90: 300 yuan/month"
    stored = registry.get_elder(chosen.community_id, chosen.elder_id, consistent=True)
    assert {"high_age_80", "high_age_90"} <= stored.benefit_tasks

    report = pump.invoke_http(
        "GET",
        "/tickets",
        headers=bearer(pump, "street_official", chosen.street_id),
        query={"scope": f"street:{chosen.street_id}", "source": "benefit", "status": "all"},
    )
    assert report.status == 200, report.text
    notified = {(t["elder_id"], t["benefit"]) for t in report.json()["tickets"]}
    assert (chosen.elder_id, "high_age_90: 300 yuan/month") in notified
    assert {t["source"] for t in report.json()["tickets"]} == {"benefit"}

    again = pump.fire_schedule("EligibilityFunction", tick(scan_day))
    assert (again["found"], again["notified"], again["by_rule"]) == (0, 0, {})
    later = pump.fire_schedule("EligibilityFunction", tick(scan_day + timedelta(days=1)))
    assert (chosen.elder_id, "high_age_90") not in crossings([chosen], scan_day + timedelta(days=1))
    assert later["by_rule"].get("high_age_90", 0) == 0


def test_a_lost_task_is_restored_without_a_second_ticket(
    tiny_stack: EventPump, tiny_city: Registry
) -> None:
    """A crash between the ticket and the task (or a re-import wiping the task): the next run
    adds the task again and opens no second ticket."""
    pump = tiny_stack
    first = pump.fire_schedule("EligibilityFunction", tick(TODAY))
    elder = next(
        e for e in tiny_city.elders
        if e.status is ElderStatus.ACTIVE and BENEFITS.qualifying(e, TODAY)
    )  # fmt: skip
    registry.save_elders([elder])  # re-import: the tasks are gone
    assert registry.get_elder(elder.community_id, elder.elder_id).benefit_tasks == frozenset()
    again = pump.fire_schedule("EligibilityFunction", tick(TODAY))
    assert again["notified"] == 0 and again["found"] == len(BENEFITS.qualifying(elder, TODAY))
    assert first["notified"] > 0
    restored = registry.get_elder(elder.community_id, elder.elder_id, consistent=True)
    assert restored.benefit_tasks == {r for r, _ in BENEFITS.qualifying(elder, TODAY)}
