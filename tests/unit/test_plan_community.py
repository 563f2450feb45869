"""The nightly plan on the memory adapters: the fan-out (holidays, absence cover), the solver's
route for one community (stored with its run, its overflow mark), and a same-day cover."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Category, Elder, ElderStatus, Registry, Steward
from careroute.messages.visits import NightlyTick, PlanJob
from careroute.planning.absence_cover import COVER_PER_STEWARD
from careroute.planning.capacity import first_try_share
from careroute.service_layer.cover import cover_now
from careroute.service_layer.planning import fan_out, plan_community, replan_for_return
from careroute.service_layer.ports import StatusChange
from careroute.service_layer.route_plan import plan_day
from tests.contract.conftest import Backend, memory_backend
from tests.unit.conftest import STREET_AS_OF

AS_OF = STREET_AS_OF  # a Monday
PLAN_DATE = date(2026, 12, 8)
POLICY = load_policy()


@pytest.fixture
def backend(one_street: Registry) -> Backend:
    return memory_backend().holding(one_street)


def queued(backend: Backend) -> list[PlanJob]:
    return sorted(backend.queued(), key=lambda job: job.community_id)


def tick_for(plan_date: date) -> NightlyTick:
    evening = datetime.combine(plan_date - timedelta(days=1), time(21, 0), CHINA_TZ)
    return NightlyTick(scheduled_time=evening.astimezone(UTC))


def plan_the_night(backend: Backend) -> None:
    """PLAN_DATE's nightly plan: the fan-out, then every community's job solved."""
    fan_out(tick_for(PLAN_DATE), "night", POLICY, backend.nightly)
    for job in queued(backend):
        plan_community(job, POLICY, backend.community)


def two_morning_sick_calls(backend: Backend, first: Steward, second: Steward) -> None:
    """After the night's plan, `first` and then `second` call in sick on PLAN_DATE's morning,
    both before any re-plan is solved (their jobs wait in the queue)."""
    plan_the_night(backend)
    for sick in (first, second):
        backend.stewards.set_leave(sick.steward_id, [PLAN_DATE])
        cover_now(sick.steward_id, PLAN_DATE, "morning", POLICY, backend.nightly)


def test_the_fan_out_sends_one_job_per_community_with_the_holidays_near_the_plan_date(
    backend: Backend, one_street: Registry
) -> None:
    near, far = PLAN_DATE + timedelta(days=10), PLAN_DATE + timedelta(days=200)
    backend.holidays.save_holidays({near: "near", far: "far"}, "bureau")
    sent = fan_out(tick_for(PLAN_DATE), "run-1", POLICY, backend.nightly)
    assert (sent.plan_date, sent.jobs, sent.absent, sent.covered) == (PLAN_DATE, 3, 0, 0)
    jobs = queued(backend)
    assert [job.community_id for job in jobs] == sorted(
        c.community_id for c in one_street.communities
    )
    for job in jobs:
        assert (job.plan_date, job.run_id, job.holidays, job.cover) == (
            PLAN_DATE,
            "run-1",
            [near],
            [],
        )
    stewards = {s.community_id: s.steward_id for s in one_street.stewards}
    assert [job.steward_id for job in jobs] == [stewards[job.community_id] for job in jobs]


def test_an_absent_stewards_visits_that_cannot_wait_are_planned_on_neighbours_routes(
    backend: Backend, one_street: Registry
) -> None:
    absent = one_street.stewards[0]
    backend.stewards.set_leave(absent.steward_id, [PLAN_DATE])
    sent = fan_out(tick_for(PLAN_DATE), "run-1", POLICY, backend.nightly)
    # the helpers' days are full: what cannot wait past tomorrow and finds no spare minutes
    # is offered again tomorrow rather than push out the helpers' own visits due then
    assert sent.absent == 1 and sent.covered > 0
    jobs = {job.community_id: job for job in queued(backend)}
    assert jobs[absent.community_id].cover == []
    handed = [item for job in jobs.values() for item in job.cover]
    assert len(handed) == sent.covered
    assert {item.community_id for item in handed} == {absent.community_id}
    planned = {c: plan_community(job, POLICY, backend.community) for c, job in jobs.items()}
    assert planned[absent.community_id].day_off
    assert backend.routes.find_route(absent.steward_id, PLAN_DATE) is None
    assert sum(p.cover for p in planned.values()) > 0
    for steward in one_street.stewards[1:]:
        route = backend.routes.find_route(steward.steward_id, PLAN_DATE)
        assert route is not None
        covered = {s["elder_id"] for s in route["stops"] + route["unassigned"] if s["cover"]}
        assert covered == {i.elder_id for i in jobs[steward.community_id].cover}


def test_the_solver_stores_the_route_with_its_run_and_marks_overflow_as_the_horizon_says(
    backend: Backend, one_street: Registry
) -> None:
    steward = one_street.stewards[1]
    job = PlanJob(community_id=steward.community_id, plan_date=PLAN_DATE, run_id="run-7")
    planned = plan_community(job, POLICY, backend.community)
    route = backend.routes.find_route(steward.steward_id, PLAN_DATE)
    assert route is not None and route["run_id"] == "run-7"
    assert (planned.steward_id, planned.day_off) == (steward.steward_id, False)
    assert planned.planned == len(route["stops"]) > 0
    assert planned.unassigned == len(route["unassigned"])
    overflowing = route["stats"]["horizon"]["overflow"] > 0
    assert (steward.community_id in backend.overflow.overflowing_on(PLAN_DATE)) is overflowing


@pytest.mark.parametrize("named", ["another community's steward", "an unknown steward", "none"])
def test_a_job_naming_no_steward_or_one_not_serving_its_community_plans_the_communitys_steward(
    backend: Backend, one_street: Registry, named: str
) -> None:
    """Given a plan job naming another community's steward (moved since it was sent), a
    steward the registry no longer holds, or none (sent before jobs named one), when it is
    solved, then the route is the community's own steward's."""
    steward, other = one_street.stewards[1], one_street.stewards[2]
    steward_id = {"another community's steward": other.steward_id, "an unknown steward": "S9999"}
    job = PlanJob(
        community_id=steward.community_id,
        steward_id=steward_id.get(named),
        plan_date=PLAN_DATE,
        run_id="run-8",
    )
    planned = plan_community(job, POLICY, backend.community)
    assert (planned.community_id, planned.steward_id) == (steward.community_id, steward.steward_id)
    route = backend.routes.find_route(steward.steward_id, PLAN_DATE)
    assert route is not None and route["run_id"] == "run-8"
    assert backend.routes.find_route(other.steward_id, PLAN_DATE) is None


def test_an_elder_handed_to_a_neighbour_is_left_out_of_the_route_its_re_plans_and_sick_calls(
    backend: Backend, one_street: Registry
) -> None:
    steward = one_street.stewards[1]
    job = PlanJob(community_id=steward.community_id, plan_date=PLAN_DATE, run_id="night")

    def planned(on_backend: Backend, job: PlanJob) -> set[str]:
        """The elders on the stored route (stops and unassigned), once it names what the
        night handed out (the re-plan keeps it)."""
        plan_community(job, POLICY, on_backend.community)
        route = on_backend.routes.find_route(steward.steward_id, PLAN_DATE)
        assert route is not None
        assert route.get("handed_out", []) == (elder_ids if on_backend is backend else [])
        return {s["elder_id"] for s in route["stops"] + route["unassigned"]}

    def sick_call(on_backend: Backend) -> list[str]:
        on_backend.stewards.set_leave(steward.steward_id, [PLAN_DATE])
        cover_now(steward.steward_id, PLAN_DATE, "morning", POLICY, on_backend.nightly)
        return [item.elder_id for job in queued(on_backend) for item in job.cover]

    # A night that hands out none: the first elder a sick call hands out is on the route.
    probe = memory_backend().holding(one_street)
    on_route = planned(probe, job)
    elder_id = sick_call(probe)[0]
    assert elder_id in on_route
    elder_ids = [elder_id]
    # A night that gave that elder to a neighbour: left out of the route, of a re-plan, and
    # of what its steward's sick call hands out (the neighbour has it already).
    handed = job.model_copy(update={"handed_out": elder_ids})
    assert elder_id not in planned(backend, handed)
    assert elder_id not in planned(backend, job.model_copy(update={"keep_cover": True}))
    handed_again = sick_call(backend)
    assert handed_again and elder_id not in handed_again


def eighty_more(street: Registry) -> list[Elder]:
    """80 more elders for the street's first community (copies of its own): short of hours
    for the rest of the month."""
    community_id = street.stewards[0].community_id
    own = [e for e in street.elders if e.community_id == community_id]
    return [replace(own[n % len(own)], elder_id=f"E-more-{n}") for n in range(80)]


def test_a_first_night_without_marks_hands_out_the_overflow_of_a_community_short_of_hours(
    one_street: Registry,
) -> None:
    """No route has marked overflow yet (the planner's first night): the community short of
    hours is looked at all the same, and a share of its overflow goes to neighbours."""
    short = one_street.stewards[0].community_id
    more = eighty_more(one_street)
    backend = memory_backend().holding(replace(one_street, elders=(*one_street.elders, *more)))
    sent = fan_out(tick_for(PLAN_DATE), "night", POLICY, backend.nightly)
    handed = [item for job in queued(backend) for item in job.cover]
    assert sent.covered == len(handed) > 0
    assert {item.community_id for item in handed} == {short}


def test_the_solver_plans_a_community_short_of_hours_with_first_tries_in_a_share_of_its_days(
    one_street: Registry,
) -> None:
    """Given a community with 80 more elders than the synthetic street gave it (short of hours
    for the rest of the month), its stored route's horizon is the one planned with first
    tries in the attempt success rate's share of each day: more overflow (handed to
    neighbours the next night) than whole days would show."""
    steward = one_street.stewards[0]
    own = [e for e in one_street.elders if e.community_id == steward.community_id]
    more = eighty_more(one_street)
    backend = memory_backend().holding(replace(one_street, elders=(*one_street.elders, *more)))
    job = PlanJob(community_id=steward.community_id, plan_date=PLAN_DATE, run_id="r")
    plan_community(job, POLICY, backend.community)
    route = backend.routes.find_route(steward.steward_id, PLAN_DATE)
    assert route is not None
    community = next(c for c in one_street.communities if c.community_id == job.community_id)
    elders = [*own, *more]
    assert first_try_share(community, steward, elders, PLAN_DATE, POLICY) < 1.0

    def overflow(share: float) -> int:
        day = plan_day(community, steward, elders, PLAN_DATE, POLICY, first_try_share=share)
        assert day is not None
        return int(day.document["stats"]["horizon"]["overflow"])

    assert route["stats"]["horizon"]["overflow"] == overflow(0.85) > overflow(1.0)
    assert steward.community_id in backend.overflow.overflowing_on(PLAN_DATE)


def test_the_next_day_starts_from_yesterdays_order_and_a_day_off_stores_nothing(
    backend: Backend, one_street: Registry
) -> None:
    steward = one_street.stewards[1]
    ports = backend.community
    job = PlanJob(community_id=steward.community_id, plan_date=PLAN_DATE, run_id="r")
    plan_community(job, POLICY, ports)
    next_day = job.model_copy(update={"plan_date": PLAN_DATE + timedelta(days=1)})
    assert not plan_community(next_day, POLICY, ports).day_off
    saturday = job.model_copy(update={"plan_date": date(2026, 12, 12)})
    assert plan_community(saturday, POLICY, ports).day_off
    assert backend.routes.find_route(steward.steward_id, date(2026, 12, 12)) is None


def test_a_steward_away_on_a_day_already_planned_is_covered_the_same_day(
    backend: Backend, one_street: Registry
) -> None:
    plan_the_night(backend)
    sick = one_street.stewards[0]
    assert cover_now(sick.steward_id, PLAN_DATE, "morning", POLICY, backend.nightly) == 0  # at work
    backend.stewards.set_leave(sick.steward_id, [PLAN_DATE])
    handed = cover_now(sick.steward_id, PLAN_DATE, "morning", POLICY, backend.nightly)
    jobs = queued(backend)
    assert handed > 0 and handed == sum(len(job.cover) for job in jobs)
    assert sick.community_id not in {job.community_id for job in jobs}
    assert {job.run_id for job in jobs} == {"morning"}


def test_two_sick_calls_of_one_morning_add_up_on_the_neighbour_who_covers_both(
    backend: Backend, one_street: Registry
) -> None:
    """Both calls are made before their jobs are solved: the later re-plan of the helper
    keeps the cover the earlier one put on the stored route."""
    helper, second, first = one_street.stewards  # the helper is the nearest with places left
    two_morning_sick_calls(backend, first, second)
    every = queued(backend)
    for job in every:
        plan_community(job, POLICY, backend.community)
    jobs = [job for job in every if job.community_id == helper.community_id]
    assert len(jobs) == 2 and all(job.keep_cover for job in every)
    assert all(job.steward_id == helper.steward_id for job in jobs)  # read with its day
    handed = {(item.community_id, item.elder_id) for job in jobs for item in job.cover}
    assert {community for community, _ in handed} == {first.community_id, second.community_id}
    route = backend.routes.find_route(helper.steward_id, PLAN_DATE)
    assert route is not None
    on_route = {
        (s["community_id"], s["elder_id"])
        for s in route["stops"] + route["unassigned"]
        if s["cover"]
    }
    assert handed <= on_route


def test_a_second_sick_call_does_not_pile_onto_a_helper_the_first_filled(
    backend: Backend, one_street: Registry
) -> None:
    """A helper's places for the day count the cover its route already holds: the second
    call of the morning finds them taken (and the day's minutes too)."""
    first, helper, second = one_street.stewards
    two_morning_sick_calls(backend, first, second)
    handed = [
        item
        for job in queued(backend)
        if job.community_id == helper.community_id
        for item in job.cover
    ]
    route = backend.routes.find_route(helper.steward_id, PLAN_DATE)
    assert route is not None
    held = [s for s in route["stops"] + route["unassigned"] if s["cover"]]
    assert 0 < len(handed) <= COVER_PER_STEWARD and len(held) <= COVER_PER_STEWARD


class _SolvedAtOnce:
    """The routes store, where `meanwhile` (another re-plan) runs between this re-plan's read
    and its write, as when two jobs of one route are solved at the same time."""

    def __init__(self, routes: Any, meanwhile: Callable[[], object]) -> None:
        self._routes = routes
        self._meanwhile: Callable[[], object] | None = meanwhile

    def find_route(self, steward_id: str, day: date) -> dict[str, Any] | None:
        return self._routes.find_route(steward_id, day)

    def save_route(self, document: dict[str, Any]) -> None:
        self._routes.save_route(document)

    def replace_route(self, document: dict[str, Any], previous: dict[str, Any] | None) -> bool:
        if self._meanwhile is not None:
            meanwhile, self._meanwhile = self._meanwhile, None
            meanwhile()
        return bool(self._routes.replace_route(document, previous))


def test_two_re_plans_of_one_route_solved_at_once_keep_both_covers(
    backend: Backend, one_street: Registry
) -> None:
    """The later write does not replace the earlier one's cover: it finds the route changed
    since it read it, reads it again and plans again."""
    helper, second, first = one_street.stewards  # the helper is the nearest with places left
    two_morning_sick_calls(backend, first, second)
    one, other = [job for job in queued(backend) if job.community_id == helper.community_id]
    racing = replace(
        backend.community,
        routes=_SolvedAtOnce(
            backend.routes, lambda: plan_community(one, POLICY, backend.community)
        ),
    )
    plan_community(other, POLICY, racing)
    route = backend.routes.find_route(helper.steward_id, PLAN_DATE)
    assert route is not None
    on_route = {s["elder_id"] for s in route["stops"] + route["unassigned"] if s["cover"]}
    assert {item.elder_id for item in [*one.cover, *other.cover]} <= on_route


def test_an_elder_back_home_before_the_days_work_is_planned_into_the_day_again(
    one_street: Registry,
) -> None:
    """In hospital when the night planned the day, due today, home at 08:00: the day is planned
    again with the elder on it; reported after the work began, the night's plan takes it."""
    steward = one_street.stewards[0]
    due_today = replace(
        next(e for e in one_street.elders if e.community_id == steward.community_id),
        last_visited_on=PLAN_DATE - timedelta(days=7),  # weekly: due today
        categories=frozenset({Category.LIVING_ALONE, Category.DISABLED}),
        status=ElderStatus.HOSPITALISED,
    )
    city = replace(
        one_street,
        elders=[due_today if e.elder_id == due_today.elder_id else e for e in one_street.elders],
    )
    backend = memory_backend().holding(city)
    plan_the_night(backend)
    route = backend.routes.find_route(steward.steward_id, PLAN_DATE)
    assert route is not None and due_today.elder_id not in {s["elder_id"] for s in route["stops"]}
    eight = datetime.combine(PLAN_DATE, time(8, 0), CHINA_TZ)
    back = StatusChange(
        steward.community_id,
        due_today.elder_id,
        ElderStatus.HOSPITALISED,
        ElderStatus.ACTIVE,
        eight,
    )
    assert backend.elders.change_status(back)
    after_start = eight.replace(hour=10)
    assert not replan_for_return(steward.community_id, after_start, "late", backend.nightly)
    assert replan_for_return(steward.community_id, eight, "home", backend.nightly)
    [job] = queued(backend)
    assert (job.community_id, job.plan_date, job.keep_cover) == (
        steward.community_id,
        PLAN_DATE,
        True,
    )
    plan_community(job, POLICY, backend.community)
    route = backend.routes.find_route(steward.steward_id, PLAN_DATE)
    assert route is not None and due_today.elder_id in {s["elder_id"] for s in route["stops"]}
    day_off = datetime.combine(date(2026, 12, 12), time(8, 0), CHINA_TZ)  # Saturday: no route
    assert not replan_for_return(steward.community_id, day_off, "weekend", backend.nightly)


def test_a_helper_who_falls_sick_hands_on_the_cover_its_route_held(
    backend: Backend, one_street: Registry
) -> None:
    """Away, a steward's visits went to a neighbour at night; the neighbour calls in sick in
    the morning: those visits are handed out again, with the neighbour's own."""
    away, helper, other = one_street.stewards
    backend.stewards.set_leave(away.steward_id, [PLAN_DATE])
    plan_the_night(backend)
    route = backend.routes.find_route(helper.steward_id, PLAN_DATE)
    assert route is not None
    held = {s["elder_id"] for s in route["stops"] + route["unassigned"] if s["cover"]}
    assert held
    backend.stewards.set_leave(helper.steward_id, [PLAN_DATE])
    cover_now(helper.steward_id, PLAN_DATE, "morning", POLICY, backend.nightly)
    [job] = queued(backend)  # the one steward left at work
    assert job.community_id == other.community_id
    handed = {item.elder_id for item in job.cover if item.community_id == away.community_id}
    assert handed == held


def test_a_helper_sick_before_its_re_plan_is_solved_hands_on_the_cover_just_given(
    backend: Backend, one_street: Registry
) -> None:
    """Two sick calls of one morning, the second from the neighbour the first one's visits
    went to, before that neighbour's re-plan is solved (it waits in the queue): the cover is
    held on the neighbour's stored route at once, so the second call hands it on with the
    neighbour's own visits instead of losing it."""
    first, helper, other = one_street.stewards
    plan_the_night(backend)
    backend.stewards.set_leave(first.steward_id, [PLAN_DATE])
    cover_now(first.steward_id, PLAN_DATE, "morning", POLICY, backend.nightly)
    given = {
        job.community_id: {i.elder_id for i in job.cover} for job in queued(backend) if job.cover
    }
    assert given.get(helper.community_id)  # the nearest neighbour takes some
    backend.stewards.set_leave(helper.steward_id, [PLAN_DATE])
    cover_now(helper.steward_id, PLAN_DATE, "morning", POLICY, backend.nightly)
    jobs = queued(backend)
    for job in jobs:
        plan_community(job, POLICY, backend.community)
    route = backend.routes.find_route(other.steward_id, PLAN_DATE)
    assert route is not None
    on_route = {s["elder_id"] for s in route["stops"] + route["unassigned"] if s["cover"]}
    assert given[helper.community_id] <= on_route  # handed on, not lost
