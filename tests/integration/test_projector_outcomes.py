"""Visit outcomes applied to the registry by the real projector handler, fed real DynamoDB
stream records: attempts, status changes with history, urgent findings; repeats and late
records change nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta

import pytest

from careroute.adapters.dynamodb import history, registry, tickets
from careroute.adapters.dynamodb.oversight_repositories import coverage_checking
from careroute.adapters.dynamodb.visits import save_visit_once
from careroute.domain.elder_history import Entry
from careroute.domain.policy import load_policy
from careroute.domain.tickets import Level, Ticket, TicketSource, unreachable_ticket_id
from careroute.domain.vocabulary import (
    Elder,
    ElderStatus,
    Finding,
    Outcome,
    Registry,
    Tier,
    VisitRecord,
    china_date,
)
from careroute.service_layer.coverage_check import check_month
from careroute_local.pump import EventPump
from tests.builders import HIGH_HAZARD, NORMAL_NEED, URGENT_FALL, WARD, a_visit_to
from tests.conftest import china_now

NOW = china_now().astimezone(UTC).replace(microsecond=0)
POLICY = load_policy()


def elders(city: Registry, tier: Tier | None = None) -> list[Elder]:
    """Active elders of the first steward's community not visited in the last 5 days (of
    `tier` today, if given)."""
    steward = city.stewards[0]
    today = china_date(NOW)
    return [
        e
        for e in city.elders
        if e.community_id == steward.community_id
        and e.status is ElderStatus.ACTIVE
        and (e.last_visited_on is None or e.last_visited_on < today - timedelta(days=5))
        and (tier is None or POLICY.tier_of(e, today) is tier)
    ]


def an_elder(city: Registry, tier: Tier | None = None) -> Elder:
    return elders(city, tier)[0]


def record(
    elder: Elder,
    outcome: Outcome,
    hours_ago: float,
    visit_id: str,
    findings: tuple[Finding, ...] = (),
) -> VisitRecord:
    """Store one visit (as the API does); its stream record waits for the next drain."""
    visit = a_visit_to(
        elder,
        visit_id,
        NOW - timedelta(hours=hours_ago),
        steward_id="W0001",
        tier=Tier.T3,
        outcome=outcome,
        recorded_at=NOW,
        findings=findings,
    )
    save_visit_once(visit, request_hash=f"hash-{visit_id}")
    return visit


@pytest.fixture
def elder(loaded_stack: EventPump, small_city: Registry) -> Elder:
    """An active elder of the first steward's community, on a freshly loaded stack."""
    return an_elder(small_city)


def project(pump: EventPump) -> None:
    stats = pump.drain_stream("VisitsTable")
    assert stats.failed == 0


def stored(elder: Elder) -> Elder:
    return registry.get_elder(elder.community_id, elder.elder_id)


def changes(elder: Elder) -> list[Entry]:
    return list(history.entries(history.elder_pk(elder.community_id, elder.elder_id)))


# --- failed attempts ---------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [Outcome.NOT_HOME, Outcome.REFUSED])
def test_a_failed_attempt_sets_last_attempt_at_and_only_moves_it_forward(
    loaded_stack: EventPump, elder: Elder, outcome: Outcome
) -> None:
    newer = record(elder, outcome, 1, "v-newer")
    project(loaded_stack)
    assert stored(elder).last_attempt_at == newer.visited_at
    record(elder, outcome, 3, "v-older")  # delivered after the newer one
    project(loaded_stack)
    assert stored(elder).last_attempt_at == newer.visited_at
    assert stored(elder).status is ElderStatus.ACTIVE and changes(elder) == []


def test_a_completed_visit_on_a_later_day_supersedes_a_failed_attempt(
    loaded_stack: EventPump, elder: Elder
) -> None:
    record(elder, Outcome.NOT_HOME, 48, "v-attempt")
    project(loaded_stack)
    assert stored(elder).last_attempt_at is not None
    visit = record(elder, Outcome.VISITED, 1, "v-visit")
    project(loaded_stack)
    after = stored(elder)
    assert after.last_visited_on == visit.local_date and after.last_attempt_at is None
    record(elder, Outcome.REFUSED, 47, "v-late-attempt")  # older than the visit, late
    project(loaded_stack)
    assert stored(elder).last_attempt_at is None


def test_three_failed_tries_in_a_row_open_one_unreachable_ticket_at_the_street_office(
    loaded_stack: EventPump, elder: Elder
) -> None:
    record(elder, Outcome.NOT_HOME, 3, "v-try-1")
    record(elder, Outcome.REFUSED, 2, "v-try-2")
    project(loaded_stack)
    assert unreachable(elder) == []
    third = record(elder, Outcome.NOT_HOME, 1, "v-try-3")
    project(loaded_stack)
    record(elder, Outcome.NOT_HOME, 0.5, "v-try-4")
    project(loaded_stack)
    [ticket] = unreachable(elder)
    assert ticket.ticket_id == unreachable_ticket_id(elder.elder_id, third.month)
    assert (ticket.visit_id, ticket.level) == ("v-try-3", Level.STREET)
    hours = POLICY.retries.unreachable_sla_hours
    assert ticket.due_at == third.visited_at + timedelta(hours=hours)


def unreachable(elder: Elder) -> list[Ticket]:
    return [
        t
        for t in tickets.of_community(elder.community_id)
        if t.source is TicketSource.UNREACHABLE and t.elder_id == elder.elder_id
    ]


# --- status outcomes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "status"),
    [(Outcome.HOSPITALISED, ElderStatus.HOSPITALISED), (Outcome.MOVED, ElderStatus.MOVED),
     (Outcome.DECEASED, ElderStatus.DECEASED)],
)  # fmt: skip
def test_a_status_outcome_sets_the_status_with_a_history_entry_by_the_steward(
    loaded_stack: EventPump, elder: Elder, outcome: Outcome, status: ElderStatus
) -> None:
    visit = record(elder, outcome, 2, "v-status")
    project(loaded_stack)
    assert stored(elder).status is status
    [entry] = changes(elder)
    assert (entry.what, entry.old, entry.new) == ("status", "active", status.value)
    assert (entry.actor.sub, entry.actor.role) == ("W0001", "steward")
    assert entry.at == visit.visited_at
    assert entry.reason == (
        f"visit outcome '{outcome.value}' recorded on {visit.local_date.isoformat()}"
    )


def test_a_later_completed_visit_brings_a_hospitalised_elder_back_to_active(
    loaded_stack: EventPump, elder: Elder
) -> None:
    record(elder, Outcome.HOSPITALISED, 30, "v-hospital")
    project(loaded_stack)
    assert stored(elder).status is ElderStatus.HOSPITALISED
    record(elder, Outcome.VISITED, 1, "v-home")
    project(loaded_stack)
    assert stored(elder).status is ElderStatus.ACTIVE
    newest = changes(elder)[0]
    assert (newest.old, newest.new, newest.actor.role) == ("hospitalised", "active", "steward")
    assert "'visited'" in newest.reason and len(changes(elder)) == 2


def test_a_visit_made_in_hospital_keeps_the_elder_hospitalised_at_the_stay_through_the_stream(
    loaded_stack: EventPump, elder: Elder
) -> None:
    for visit_id, outcome, hours_ago in (
        ("v-found", Outcome.HOSPITALISED, 30),
        ("v-ward", Outcome.VISITED, 2),
    ):
        visit = a_visit_to(
            elder, visit_id, NOW - timedelta(hours=hours_ago), steward_id="W0001",
            tier=Tier.T3, outcome=outcome, recorded_at=NOW,
        )  # fmt: skip
        save_visit_once(replace(visit, stay=WARD), request_hash=f"hash-{visit_id}")
        project(loaded_stack)
        after = stored(elder)
        assert (after.status, after.stay) == (ElderStatus.HOSPITALISED, WARD)
    assert after.last_visited_on == visit.local_date


@pytest.mark.parametrize("outcome", [Outcome.MOVED, Outcome.DECEASED])
def test_moved_or_deceased_elders_are_never_brought_back_by_a_visit(
    loaded_stack: EventPump, elder: Elder, outcome: Outcome
) -> None:
    record(elder, outcome, 30, "v-gone")
    project(loaded_stack)
    record(elder, Outcome.VISITED, 1, "v-after")
    record(elder, Outcome.HOSPITALISED, 0.5, "v-hospital-after")
    project(loaded_stack)
    assert stored(elder).status.value == outcome.value
    assert len(changes(elder)) == 1


def test_an_older_hospitalised_record_after_a_newer_visit_does_not_pause_the_elder(
    loaded_stack: EventPump, elder: Elder
) -> None:
    record(elder, Outcome.VISITED, 1, "v-newer-visit")
    project(loaded_stack)
    record(elder, Outcome.HOSPITALISED, 5, "v-older-hospital")  # recorded late, e.g. offline
    project(loaded_stack)
    assert stored(elder).status is ElderStatus.ACTIVE
    assert changes(elder) == []


def test_an_officials_later_status_change_is_not_undone_by_an_older_visit(
    loaded_stack: EventPump, elder: Elder
) -> None:
    current = registry.get_elder(elder.community_id, elder.elder_id)
    history.apply_elder_change(current, {"status": "hospitalised"}, [])
    record(elder, Outcome.VISITED, 3, "v-before-the-change")
    project(loaded_stack)
    assert stored(elder).status is ElderStatus.HOSPITALISED


def test_redelivering_every_record_twice_changes_nothing(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    some = elders(small_city)[:3]
    urgent = (URGENT_FALL,)
    last = record(some[0], Outcome.HOSPITALISED, 4, "v-a1")
    record(some[0], Outcome.VISITED, 2, "v-a2")
    record(some[1], Outcome.MOVED, 3, "v-b1")
    record(some[2], Outcome.NOT_HOME, 3, "v-c1", findings=urgent)
    project(loaded_stack)
    before = [(stored(e), changes(e)) for e in some]
    assert len(before[0][1]) == 2 and len(before[1][1]) == 1
    for _ in range(2):
        stats = loaded_stack.redeliver_stream("VisitsTable")
        assert stats.failed == 0
    assert before[2][0].last_attempt_at is not None and before[2][0].urgent_until is not None
    assert [(stored(e), changes(e)) for e in some] == before
    assert check_month(last.month, coverage_checking()) == []


# --- urgent findings ---------------------------------------------------------------------


def test_an_urgent_finding_makes_the_elder_t1_for_the_policys_days(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    elder = an_elder(small_city, tier=Tier.T3)
    findings = (URGENT_FALL, NORMAL_NEED)
    visit = record(elder, Outcome.VISITED, 1, "v-urgent", findings=findings)
    project(loaded_stack)
    after = stored(elder)
    days = POLICY.urgent_finding_t1_days
    assert days == 30
    assert after.urgent_until == visit.local_date + timedelta(days=days)
    assert POLICY.tier_of(after, visit.local_date) is Tier.T1
    assert POLICY.tier_of(after, visit.local_date + timedelta(days=days)) is Tier.T1
    assert POLICY.tier_of(after, visit.local_date + timedelta(days=days + 1)) is Tier.T3
    record(elder, Outcome.VISITED, 72, "v-older-urgent", findings=findings[:1])
    project(loaded_stack)
    assert stored(elder).urgent_until == after.urgent_until


def test_a_finding_that_is_not_urgent_leaves_the_tier_alone(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    elder = an_elder(small_city, tier=Tier.T3)
    record(elder, Outcome.VISITED, 1, "v-high", findings=(HIGH_HAZARD,))
    project(loaded_stack)
    assert stored(elder).urgent_until == elder.urgent_until
