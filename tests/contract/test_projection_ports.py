"""The ports the projector writes, memory against DynamoDB: the elder's conditional maxima and
status changes with their history, tickets opened once and counted, coverage counted once per
visit. Then the projector itself, run over the same records on both, must leave the same
state: the differential check that lets simulations run on memory."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from careroute.domain.coverage import Projection, Scope, ScopeKind, registry_totals, scopes_of
from careroute.domain.elder_history import Actor, Entry, Kind
from careroute.domain.errors import NotFoundError
from careroute.domain.policy import load_policy
from careroute.domain.tickets import tickets_for
from careroute.domain.vocabulary import (
    CHINA_TZ,
    ElderStatus,
    Finding,
    Outcome,
    Registry,
    Tier,
    VisitRecord,
)
from careroute.service_layer.ports import StatusChange
from careroute.service_layer.projection import project
from tests.builders import HIGH_HAZARD, NORMAL_NEED, URGENT_FALL, WARD, a_visit_to
from tests.conftest import TODAY
from tests.contract.conftest import Backend, assert_same_answers, dynamodb_backend, memory_backend

POLICY = load_policy()
MORNING = datetime.combine(TODAY, datetime.min.time(), CHINA_TZ).replace(hour=9)


def visit(
    city: Registry,
    n: int,
    outcome: Outcome,
    at: datetime,
    elder: int = 0,
    findings: tuple[Finding, ...] = (),
) -> VisitRecord:
    """Visit n (its id n in 32 digits) of the first steward to the city's `elder`-th elder,
    recorded a minute after `at`."""
    return a_visit_to(
        city.elders[elder],
        f"{n:032d}",
        at,
        steward_id=city.stewards[0].steward_id,
        tier=Tier.T2,
        outcome=outcome,
        recorded_at=at + timedelta(minutes=1),
        findings=findings,
    )


def totals(city: Registry) -> dict[tuple[Scope, str], int]:
    scopes = {c.community_id: scopes_of(c.community_id, c.street_id, c.district_id)
              for c in city.communities}  # fmt: skip
    return registry_totals(city.elders, scopes, TODAY, POLICY)


def loaded(backend: Backend, city: Registry) -> Registry:
    backend.recording.elders.save_elders(city.elders[:4])
    return city


def stored_key(backend: Backend, city: Registry, n: int) -> tuple[str, str]:
    """The (community_id, elder_id) of the city's n-th elder (n < 4), stored on `backend`."""
    elder = loaded(backend, city).elders[n]
    return elder.community_id, elder.elder_id


def status_entry(at: datetime, new: ElderStatus) -> Entry:
    return Entry(Kind.CHANGE, at, Actor("W0001", "steward"), "status", "active", new.value, (), "r")


def test_visit_and_attempt_dates_only_move_forward_and_a_visit_supersedes_older_attempts(
    backend: Backend, small_city: Registry
) -> None:
    elders = backend.recording.elders
    key = stored_key(backend, small_city, 0)
    day = TODAY
    assert elders.mark_visited(*key, day) is True
    assert elders.mark_visited(*key, day) is False
    assert elders.mark_visited(*key, day - timedelta(days=3)) is False
    assert elders.get_elder(*key).last_visited_on == day
    assert elders.mark_attempt(*key, MORNING) is False  # not after the visit's day
    tomorrow = MORNING + timedelta(days=1)
    assert elders.mark_attempt(*key, tomorrow) is True
    assert elders.mark_attempt(*key, tomorrow - timedelta(hours=1)) is False
    assert elders.get_elder(*key, consistent=True).last_attempt_at == tomorrow
    assert elders.mark_visited(*key, day + timedelta(days=1)) is True
    assert elders.get_elder(*key).last_attempt_at is None  # superseded by the visit
    assert elders.raise_urgent_until(*key, day + timedelta(days=30)) is True
    assert elders.raise_urgent_until(*key, day + timedelta(days=10)) is False
    assert elders.get_elder(*key).urgent_until == day + timedelta(days=30)
    community_id = key[0]
    assert elders.mark_visited(community_id, "E999999", day) is False
    with pytest.raises(NotFoundError):
        elders.get_elder(community_id, "E999999")


def test_a_status_changes_only_from_the_expected_one_newer_first_and_its_entry_once(
    backend: Backend, small_city: Registry
) -> None:
    elders = backend.recording.elders
    key = stored_key(backend, small_city, 1)
    active, away = ElderStatus.ACTIVE, ElderStatus.HOSPITALISED
    at = MORNING
    entry = status_entry(at, away)
    to_away = StatusChange(*key, active, away, at, ("visit-1", entry))
    assert elders.change_status(StatusChange(*key, away, active, at)) is False  # not what it is
    assert elders.change_status(to_away) is True
    assert elders.get_elder(*key, consistent=True).status is away
    assert elders.change_status(StatusChange(*key, away, away, at)) is False  # not newer
    assert elders.change_status(to_away) is False  # a repeat
    assert elders.changes(*key) == [entry]
    later = at + timedelta(days=2)
    assert elders.change_status(StatusChange(*key, away, away, later)) is True  # no entry
    before = later - timedelta(hours=1)
    back = StatusChange(*key, away, active, before, ("visit-2", status_entry(before, active)))
    assert elders.change_status(back) is False
    assert elders.changes(*key) == [entry]


def test_a_ticket_opens_once_and_counts_once_in_every_scope_of_its_month(
    backend: Backend, small_city: Registry
) -> None:
    city = loaded(backend, small_city)
    record = visit(city, 1, Outcome.VISITED, MORNING, findings=(HIGH_HAZARD,))
    [ticket] = tickets_for(record, POLICY.tickets)
    tickets, coverage = backend.projection.tickets, backend.projection.coverage
    assert tickets.open_once(ticket) is True
    assert tickets.open_once(ticket) is False
    assert tickets.get_ticket(ticket.ticket_id) == ticket
    month = MORNING.strftime("%Y-%m")
    for scope in (Scope(ScopeKind.COMMUNITY, ticket.community_id), Scope(ScopeKind.CITY, "all")):
        assert coverage.read_ticket_counts(month, scope) == {
            "opened": 1,
            "closed": 0,
            "closed_on_time": 0,
        }
    with pytest.raises(NotFoundError):
        tickets.get_ticket("no-such-ticket")


def test_coverage_counts_each_visit_once_and_each_elder_once_a_month(
    backend: Backend, small_city: Registry
) -> None:
    city = loaded(backend, small_city)
    coverage = backend.projection.coverage
    coverage.save_registry_totals(totals(city))
    first = visit(city, 1, Outcome.NOT_HOME, MORNING)
    second = visit(city, 2, Outcome.VISITED, MORNING + timedelta(hours=2))
    third = visit(city, 3, Outcome.VISITED, MORNING + timedelta(hours=3))
    assert [coverage.project_visit(r) for r in (first, second, second, third)] == [
        Projection.APPLIED,
        Projection.APPLIED,
        Projection.DUPLICATE,
        Projection.APPLIED,
    ]
    scope = Scope(ScopeKind.COMMUNITY, first.community_id)
    rows = {row["tier"]: row for row in coverage.read_coverage(first.month, scope)}
    assert (rows["T2"]["visits_made"], rows["T2"]["elders_visited"]) == (3, 1)
    assert rows["ALL"]["outcomes"]["not_home"] == 1 and rows["ALL"]["outcomes"]["visited"] == 2
    assert rows["ALL"]["elders_due"] > 0 and rows["ALL"]["visit_rate"] is not None


def test_the_projector_leaves_the_same_state_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    """The same records, repeats and out-of-order deliveries included, through project() on
    both backends: the same coverage, elders, histories and ticket counts."""
    city, urgent, normal = small_city, URGENT_FALL, NORMAL_NEED
    records = [
        visit(city, 1, Outcome.NOT_HOME, MORNING, elder=0),
        visit(city, 2, Outcome.VISITED, MORNING + timedelta(hours=1), elder=0, findings=(normal,)),
        visit(city, 3, Outcome.HOSPITALISED, MORNING + timedelta(hours=2), elder=1),
        visit(city, 4, Outcome.VISITED, MORNING + timedelta(hours=6), elder=1, findings=(urgent,)),
        visit(city, 5, Outcome.REFUSED, MORNING + timedelta(hours=3), elder=2),
        visit(city, 6, Outcome.MOVED, MORNING + timedelta(hours=4), elder=3),
        visit(city, 7, Outcome.VISITED, MORNING + timedelta(hours=5), elder=3),
    ]
    deliveries = [*records, records[1], records[3], records[2]]  # repeats, one out of order
    states = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        loaded(backend, city)
        backend.projection.coverage.save_registry_totals(totals(city))
        results = [project(r, POLICY, backend.projection) for r in deliveries]
        elders = [
            backend.recording.elders.get_elder(e.community_id, e.elder_id, consistent=True)
            for e in city.elders[:4]
        ]
        scopes = [
            Scope(ScopeKind.COMMUNITY, city.elders[0].community_id),
            Scope(ScopeKind.DISTRICT, city.elders[0].district_id),
            Scope(ScopeKind.CITY, "all"),
        ]
        month = MORNING.strftime("%Y-%m")
        states.append(
            {
                "results": results,
                "elders": elders,
                "changes": [
                    backend.recording.elders.changes(e.community_id, e.elder_id)
                    for e in city.elders[:4]
                ],
                "coverage": [backend.projection.coverage.read_coverage(month, s) for s in scopes],
                "tickets": [
                    backend.projection.coverage.read_ticket_counts(month, s) for s in scopes
                ],
            }
        )
    on_memory, on_dynamodb = states
    assert on_memory["results"].count(Projection.DUPLICATE) == 3
    assert on_memory["elders"][1].status is ElderStatus.ACTIVE  # home again after hospital
    assert on_memory["elders"][3].status is ElderStatus.MOVED  # moved is final
    assert on_memory["tickets"][2]["opened"] == 2
    assert_same_answers(on_memory, on_dynamodb)


def test_a_record_for_an_elder_not_in_the_registry_changes_no_elder_but_still_counts(
    backend: Backend, small_city: Registry
) -> None:
    city = loaded(backend, small_city)
    stranger = replace(visit(city, 9, Outcome.HOSPITALISED, MORNING), elder_id="E999999")
    assert project(stranger, POLICY, backend.projection) is Projection.APPLIED
    assert backend.recording.elders.changes(stranger.community_id, "E999999") == []
    scope = Scope(ScopeKind.COMMUNITY, stranger.community_id)
    [all_tiers] = [r for r in backend.projection.coverage.read_coverage(stranger.month, scope)
                   if r["tier"] == "ALL"]  # fmt: skip
    assert all_tiers["outcomes"]["hospitalised"] == 1


def test_a_stay_is_kept_while_visits_are_made_there_and_cleared_by_a_visit_at_home(
    backend: Backend, small_city: Registry
) -> None:
    """Found gone to hospital, with the hospital named: the elder is hospitalised there. A
    visit made at the hospital keeps the elder hospitalised (and the month visited); the
    next visit at home makes the elder active with no stay."""
    city = loaded(backend, small_city)
    elders = backend.recording.elders
    e = city.elders[2]
    found = replace(visit(city, 1, Outcome.HOSPITALISED, MORNING, elder=2), stay=WARD)
    there = replace(
        visit(city, 2, Outcome.VISITED, MORNING + timedelta(days=3), elder=2), stay=WARD
    )
    home = visit(city, 3, Outcome.VISITED, MORNING + timedelta(days=9), elder=2)

    project(found, POLICY, backend.projection)
    stored = elders.get_elder(e.community_id, e.elder_id, consistent=True)
    assert (stored.status, stored.stay) == (ElderStatus.HOSPITALISED, WARD)
    project(there, POLICY, backend.projection)
    stored = elders.get_elder(e.community_id, e.elder_id, consistent=True)
    assert (stored.status, stored.stay) == (ElderStatus.HOSPITALISED, WARD)
    assert stored.last_visited_on == there.local_date
    project(found, POLICY, backend.projection)  # a late repeat changes nothing
    project(home, POLICY, backend.projection)
    stored = elders.get_elder(e.community_id, e.elder_id, consistent=True)
    assert (stored.status, stored.stay) == (ElderStatus.ACTIVE, None)
    assert stored.last_visited_on == home.local_date
