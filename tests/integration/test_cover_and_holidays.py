"""Absent stewards are covered by neighbours; public holidays are planned around."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from careroute.adapters.dynamodb import overflow_marks, registry, routes
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain import clock
from careroute.domain.errors import NotFoundError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Registry
from careroute.planning.absence_cover import COVER_PER_STEWARD
from careroute_local.main_job import next_working_day
from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE, bearer, nightly_tick_time
from tests.integration.api_calls import post_json, send_json
from tests.integration.planned_day import plan_the_day


def put_on_leave(city: Registry, days: int) -> str:
    """Send the first community's steward on leave from the plan date; returns the community."""
    steward = city.stewards[0]
    leave = frozenset(PLAN_DATE + timedelta(days=k) for k in range(days))
    registry.save_stewards([replace(steward, leave=leave)])
    return steward.community_id


def post_outcome(pump: EventPump, steward_id: str, stop: dict, key: str) -> HttpResponse:
    at = datetime.combine(PLAN_DATE, datetime.min.time(), CHINA_TZ).replace(hour=10)
    body = {
        "elder_id": stop["elder_id"],
        "community_id": stop["community_id"],
        "outcome": "visited",
        "visited_at": at.isoformat(),
    }
    with clock.use(lambda: at.replace(hour=18)):
        return post_json(pump, "/visits", bearer(pump, "steward", steward_id), body, key)


def test_an_absent_stewards_urgent_visits_go_to_the_nearest_stewards_at_work(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    absent = put_on_leave(small_city, days=10)
    fan_out = plan_the_day(loaded_stack)
    assert fan_out["absent"] == 1
    # Helpers give what their day has room for beside their own visits on the last day of
    # their retry margin; what none had room for is counted (offered again the next night),
    # never more than the four places each helper has.
    assert fan_out["covered"] > 0
    assert fan_out["uncovered"] == 0 or fan_out["covered"] >= COVER_PER_STEWARD
    absent_steward = small_city.stewards[0].steward_id
    with pytest.raises(NotFoundError):
        routes.get_route(absent_steward, PLAN_DATE)  # no route while away
    cover_stops = [
        (doc["steward_id"], stop)
        for doc in routes.routes_on(PLAN_DATE)
        for stop in doc["stops"]
        if stop["cover"]
    ]
    dropped = [u for doc in routes.routes_on(PLAN_DATE) for u in doc["unassigned"] if u["cover"]]
    assert cover_stops and len(cover_stops) + len(dropped) == fan_out["covered"]
    absent_elders = {e.elder_id for e in small_city.elders if e.community_id == absent}
    for steward_id, stop in cover_stops:
        assert steward_id != absent_steward
        assert stop["community_id"] == absent and stop["elder_id"] in absent_elders
        # on its deadline a visit is mandatory for whoever has it; before, it gives way to the
        # neighbour's own visits
        assert stop["mandatory"] == (date.fromisoformat(stop["deadline"]) <= PLAN_DATE)


def test_only_the_covering_steward_may_record_a_cover_visit(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    put_on_leave(small_city, days=10)
    plan_the_day(loaded_stack)
    doc = next(d for d in routes.routes_on(PLAN_DATE) if any(s["cover"] for s in d["stops"]))
    stop = next(s for s in doc["stops"] if s["cover"])
    other = next(s.steward_id for s in small_city.stewards[1:] if s.steward_id != doc["steward_id"])
    refused = post_outcome(loaded_stack, other, stop, "cover-other-1")
    assert refused.status == 403, refused.text
    assert "not a cover stop" in refused.json()["error"]["message"]
    assert list(all_visits()) == []
    accepted = post_outcome(loaded_stack, doc["steward_id"], stop, "cover-mine-1")
    assert accepted.status == 201, accepted.text
    stored = list(all_visits())
    assert [(v.elder_id, v.community_id, v.steward_id) for v in stored] == [
        (stop["elder_id"], stop["community_id"], doc["steward_id"])
    ]
    route = loaded_stack.invoke_http(
        "GET",
        f"/stewards/{doc['steward_id']}/routes/{PLAN_DATE.isoformat()}",
        headers=bearer(loaded_stack, "steward", doc["steward_id"]),
    )
    named = next(s for s in route.json()["stops"] if s["elder_id"] == stop["elder_id"])
    assert named["name"]  # the covering steward sees whom to visit


def test_nobody_is_planned_on_a_public_holiday(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    holidays = {"holidays": [{"date": PLAN_DATE.isoformat(), "name": "测试假日"}]}
    saved = send_json(
        loaded_stack, "PUT", "/holidays", bearer(loaded_stack, "city_admin"), holidays
    )
    assert saved.status == 200, saved.text
    fan_out = plan_the_day(loaded_stack)
    assert fan_out["jobs"] == len(small_city.communities)
    assert list(routes.routes_on(PLAN_DATE)) == []


def test_a_sick_call_on_a_planned_day_hands_its_urgent_visits_out_at_once(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """08:00: the steward calls in sick; neighbours' routes for today gain the cover."""
    policy = load_policy()
    steward = small_city.stewards[0]
    due_today = next(
        e
        for e in small_city.elders
        if e.community_id == steward.community_id
        and e.status is ElderStatus.ACTIVE
        and policy.tiers[policy.tier_of(e, PLAN_DATE)].cadence_days == 7
    )
    registry.save_elders([replace(due_today, last_visited_on=PLAN_DATE - timedelta(days=7))])
    plan_the_day(loaded_stack)
    assert not any(s["cover"] for d in routes.routes_on(PLAN_DATE) for s in d["stops"])
    morning = datetime.combine(PLAN_DATE, datetime.min.time(), CHINA_TZ).replace(hour=8)
    with clock.use(lambda: morning):
        response = send_json(
            loaded_stack, "PUT", f"/stewards/{steward.steward_id}/leave",
            bearer(loaded_stack, "city_admin"), {"dates": [PLAN_DATE.isoformat()]},
        )  # fmt: skip
    assert response.status == 200, response.text
    loaded_stack.drain_queue("PlanJobsQueue")
    covered = {
        (d["steward_id"], s["elder_id"])
        for d in routes.routes_on(PLAN_DATE)
        for s in [*d["stops"], *d["unassigned"]]
        if s["cover"]
    }
    assert due_today.elder_id in {elder for _, elder in covered}
    assert steward.steward_id not in {who for who, _ in covered}


def test_a_steward_with_more_work_than_days_gets_help_the_next_night(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    steward = small_city.stewards[0]
    registry.save_stewards([replace(steward, max_visits_per_day=2)])
    plan_the_day(loaded_stack)
    marked = overflow_marks.overflowing_on(PLAN_DATE)
    assert steward.community_id in marked
    next_day = next_working_day(PLAN_DATE)  # after a weekend or a holiday (China's calendar)
    fan_out = loaded_stack.fire_schedule("PlannerFunction", nightly_tick_time(next_day))
    loaded_stack.drain_queue("PlanJobsQueue")
    assert fan_out["covered"] > 0 and fan_out["absent"] == 0
    helped = [
        (d["steward_id"], s)
        for d in routes.routes_on(next_day)
        for s in [*d["stops"], *d["unassigned"]]
        if s["cover"]
    ]
    assert any(s["community_id"] == steward.community_id for _, s in helped)
    community_of = {s.steward_id: s.community_id for s in small_city.stewards}
    for who, stop in helped:  # help comes from stewards without overflow of their own
        assert stop["community_id"] in marked and community_of[who] not in marked
