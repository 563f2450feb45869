"""The ports of the nightly plan, memory against DynamoDB and SQS: the registry's lists and
lookups, leave, benefit tasks, overflow marks, the bureau's holidays and the plan-job queue.
Then the planner itself over the same city on both: the same jobs and the same routes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from careroute import routing
from careroute.domain.errors import NotFoundError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Elder, Registry, Steward
from careroute.messages.visits import CoverItem, NightlyTick, PlanJob
from careroute.routing import SolveLimits
from careroute.service_layer.planning import fan_out, plan_community
from careroute.service_layer.ports.visits import DayMark
from tests.conftest import PLAN_DATE, nightly_tick_time
from tests.contract.conftest import Backend, assert_same_answers, dynamodb_backend, memory_backend

POLICY = load_policy()


def first_community(city: Registry) -> str:
    return city.communities[0].community_id


def test_communities_read_back_as_saved_and_an_unknown_one_is_not_found(
    backend: Backend, small_city: Registry
) -> None:
    communities = backend.communities
    assert communities.save_communities(small_city.communities) == len(small_city.communities)
    for community in small_city.communities:
        assert communities.get_community(community.community_id) == community
    listed = sorted(communities.all_communities(), key=lambda c: c.community_id)
    assert listed == sorted(small_city.communities, key=lambda c: c.community_id)
    with pytest.raises(NotFoundError, match="community C9999 not found"):
        communities.get_community("C9999")


def test_stewards_are_listed_and_found_by_community_and_a_community_without_one_is_not_found(
    backend: Backend, small_city: Registry
) -> None:
    stewards = backend.stewards
    chosen = small_city.stewards[:3]
    stewards.save_stewards(chosen)
    assert sorted(stewards.all_stewards(), key=lambda s: s.steward_id) == sorted(
        chosen, key=lambda s: s.steward_id
    )
    for steward in chosen:
        assert stewards.steward_of_community(steward.community_id) == steward
        assert stewards.get_steward(steward.steward_id, consistent=True) == steward
    with pytest.raises(NotFoundError, match="community C9999 has no steward"):
        stewards.steward_of_community("C9999")


def test_leave_is_replaced_whole_and_an_unknown_steward_gets_none(
    backend: Backend, saved_steward: Steward
) -> None:
    stewards, steward = backend.stewards, saved_steward
    away = {PLAN_DATE, PLAN_DATE + timedelta(days=1)}
    stored = stewards.set_leave(steward.steward_id, away)
    assert stored == replace(steward, leave=frozenset(away))
    assert stewards.get_steward(steward.steward_id, consistent=True) == stored
    assert stewards.set_leave(steward.steward_id, []).leave == frozenset()
    assert stewards.get_steward(steward.steward_id, consistent=True) == steward
    with pytest.raises(NotFoundError, match="steward W9999 not found"):
        stewards.set_leave("W9999", away)
    with pytest.raises(NotFoundError):
        stewards.get_steward("W9999", consistent=True)


def test_a_communitys_elders_are_listed_in_id_order_and_read_by_id_only_in_it(
    backend: Backend, small_city: Registry
) -> None:
    elders = backend.elders
    home = first_community(small_city)
    own = [e for e in small_city.elders if e.community_id == home]
    others = [e for e in small_city.elders if e.community_id != home][:3]
    elders.save_elders(list(reversed(own)) + others)
    assert elders.elders_of_community(home) == sorted(own, key=lambda e: e.elder_id)
    assert elders.elders_of_community("C9999") == []
    wanted = [own[2].elder_id, own[0].elder_id, own[2].elder_id, "E999999", others[0].elder_id]
    assert elders.get_elders(home, wanted) == {e.elder_id: e for e in (own[0], own[2])}
    assert elders.get_elders(home, []) == {}
    other = others[0].community_id
    at_once = elders.elders_of_communities([home, "C9999", other, home])
    assert at_once == {c: elders.elders_of_community(c) for c in (home, "C9999", other)}
    theirs = sorted((e for e in others if e.community_id == other), key=lambda e: e.elder_id)
    assert list(at_once) == [home, "C9999", other] and at_once[other] == theirs
    assert elders.elders_of_communities([]) == {}


def test_a_benefit_task_is_added_once_and_a_new_registry_entry_starts_without_tasks(
    backend: Backend, saved_elder: Elder
) -> None:
    elders, elder = backend.elders, saved_elder
    key = (elder.community_id, elder.elder_id)
    assert elders.add_benefit_task(*key, "age-80") is True
    assert elders.add_benefit_task(*key, "age-80") is False
    assert elders.add_benefit_task(*key, "age-90") is True
    assert elders.get_elder(*key).benefit_tasks == frozenset({"age-80", "age-90"})
    assert elders.add_benefit_task(elder.community_id, "E999999", "age-80") is False
    elders.save_elders([elder])  # a registry import replaces the entry
    assert elders.get_elder(*key).benefit_tasks == frozenset()


def test_overflow_marks_are_kept_per_date_and_cleared_by_a_replan_without_overflow(
    backend: Backend,
) -> None:
    marks = backend.overflow
    marks.mark_overflow(PLAN_DATE, "C0001", True, DayMark.OVERFLOW)
    marks.mark_overflow(PLAN_DATE, "C0002", True, DayMark.OVERFLOW)
    marks.mark_overflow(PLAN_DATE, "C0001", True, DayMark.OVERFLOW)
    assert marks.overflowing_on(PLAN_DATE) == {"C0001", "C0002"}
    marks.mark_overflow(PLAN_DATE, "C0002", False, DayMark.OVERFLOW)
    marks.mark_overflow(
        PLAN_DATE, "C0003", False, DayMark.OVERFLOW
    )  # never marked: nothing to clear
    assert marks.overflowing_on(PLAN_DATE) == {"C0001"}
    assert marks.overflowing_on(PLAN_DATE + timedelta(days=1)) == set()


def test_pinned_marks_are_kept_apart_from_overflow_marks(backend: Backend) -> None:
    marks = backend.overflow
    marks.mark_overflow(PLAN_DATE, "C0004", True, DayMark.PINNED)
    marks.mark_overflow(PLAN_DATE, "C0005", True, DayMark.OVERFLOW)
    assert marks.overflowing_on(PLAN_DATE, DayMark.PINNED) == {"C0004"}
    assert marks.overflowing_on(PLAN_DATE) == {"C0005"}
    marks.mark_overflow(PLAN_DATE, "C0004", False, DayMark.PINNED)
    assert marks.overflowing_on(PLAN_DATE, DayMark.PINNED) == set()
    assert marks.overflowing_on(PLAN_DATE) == {"C0005"}


def test_the_holiday_calendar_is_empty_until_saved_then_replaced_whole(backend: Backend) -> None:
    calendar = backend.holidays
    assert calendar.holidays() == {}
    first = {date(2027, 1, 1): "New Year", date(2027, 2, 6): "Spring Festival"}
    calendar.save_holidays(first, "bureau-admin")
    assert calendar.holidays() == first
    second = {date(2027, 5, 1): "Labour Day"}
    calendar.save_holidays(second, "bureau-admin")
    assert calendar.holidays() == second


def test_plan_jobs_sent_arrive_on_the_queue_as_sent(backend: Backend) -> None:
    jobs = [
        PlanJob(
            community_id=f"C{n:04d}",
            plan_date=PLAN_DATE,
            run_id="run-1",
            holidays=[date(2027, 1, 1)],
            cover=[CoverItem(community_id="C0100", elder_id="E000001")] if n == 3 else [],
        )
        for n in range(12)  # more than one SQS batch
    ]
    assert backend.plan_jobs.send(iter(jobs)) == 12
    assert backend.plan_jobs.send([]) == 0
    received = sorted(backend.queued(), key=lambda job: job.community_id)
    assert received == jobs
    assert backend.queued() == []


@pytest.fixture
def solves_end_on_their_solution_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The router's own limits with a time limit of a minute: its solution limit then always
    stops the search, so the routes do not depend on how busy the machine is (under two
    whole-city runs beside this test, a day's search ended on the 500 + 20 ms per stop clock
    and the two backends got different routes)."""
    own_limits = routing.default_limits

    def unhurried(n_stops: int) -> SolveLimits:
        return replace(own_limits(n_stops), time_limit_ms=60_000)

    monkeypatch.setattr(routing, "default_limits", unhurried)


def _without_timings(document: dict[str, Any]) -> dict[str, Any]:
    stats = {k: v for k, v in document["stats"].items() if k != "solve_ms"}
    return {**document, "stats": stats}


@pytest.mark.usefixtures("solves_end_on_their_solution_limit")
def test_the_nightly_plan_sends_the_same_jobs_and_stores_the_same_routes_on_both(
    session_pump: Any, small_city: Registry
) -> None:
    """The planner and the solver over the same city, with a steward on leave and a holiday
    near: the same fan-out, the same jobs, the same routes and overflow marks."""
    city = small_city
    absent = city.stewards[0]
    states = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        backend.communities.save_communities(city.communities)
        backend.stewards.save_stewards(city.stewards)
        backend.stewards.set_leave(absent.steward_id, [PLAN_DATE])
        backend.elders.save_elders(city.elders)
        backend.holidays.save_holidays({PLAN_DATE + timedelta(days=3): "a holiday"}, "test")
        tick = NightlyTick(scheduled_time=nightly_tick_time(PLAN_DATE))
        sent = fan_out(tick, "run-1", POLICY, backend.nightly)
        jobs = sorted(backend.queued(), key=lambda job: job.community_id)
        planned = [plan_community(job, POLICY, backend.community) for job in jobs]
        routes = [
            backend.routes.find_route(steward.steward_id, PLAN_DATE) for steward in city.stewards
        ]
        states.append(
            {
                "fan_out": sent,
                "jobs": jobs,
                "planned": planned,
                "routes": [None if r is None else _without_timings(r) for r in routes],
                "overflow": backend.overflow.overflowing_on(PLAN_DATE),
            }
        )
    on_memory, on_dynamodb = states
    assert on_memory["fan_out"].absent == 1 and on_memory["fan_out"].covered > 0
    assert sum(job.cover != [] for job in on_memory["jobs"]) > 0
    assert sum(route is not None for route in on_memory["routes"]) == len(city.stewards) - 1
    assert_same_answers(on_memory, on_dynamodb)
