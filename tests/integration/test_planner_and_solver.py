"""Planner and solver handlers on moto, fed real Scheduler and SQS event shapes."""

from __future__ import annotations

import json

from careroute.adapters.dynamodb import routes
from careroute.domain.vocabulary import Registry, parse_clock
from careroute_local.pump import EventPump
from tests.conftest import PLAN_DATE, nightly_tick_time
from tests.integration.planned_day import plan_the_day


def test_the_nightly_tick_sends_one_job_per_community_for_the_next_day(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    fan_out = loaded_stack.fire_schedule("PlannerFunction", nightly_tick_time(PLAN_DATE))
    assert fan_out["plan_date"] == PLAN_DATE.isoformat()
    assert fan_out["jobs"] == len(small_city.communities)
    depth = loaded_stack.stack.queue_depth("PlanJobsQueue")
    assert depth["visible"] == len(small_city.communities)


def test_the_solver_stores_a_valid_route_for_every_steward(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    plan_the_day(loaded_stack)
    stored = {doc["steward_id"]: doc for doc in routes.routes_on(PLAN_DATE)}
    assert set(stored) == {s.steward_id for s in small_city.stewards}
    elders = {e.elder_id: e for e in small_city.elders}
    for doc in stored.values():
        assert doc["stops"], f"{doc['steward_id']} got an empty route"
        seen = [stop["elder_id"] for stop in doc["stops"]]
        assert len(seen) == len(set(seen))
        for stop in doc["stops"]:
            elder = elders[stop["elder_id"]]
            assert elder.community_id == doc["community_id"]
            start, end = parse_clock(stop["service_start"]), parse_clock(stop["service_end"])
            assert elder.window.start <= start and end <= elder.window.end + 59
            assert not (parse_clock("12:00") < end and start < parse_clock("13:30"))
        assert doc["stats"]["status"] == "solved"


def test_a_bad_plan_job_fails_alone_and_ends_in_the_dead_letter_queue(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    sqs = loaded_stack.stack.client("sqs")
    queue = loaded_stack.stack.queue_url("PlanJobsQueue")
    good = small_city.communities[0].community_id
    bodies = [
        {"community_id": good, "plan_date": PLAN_DATE.isoformat(), "run_id": "t"},
        {"community_id": "C9999", "plan_date": PLAN_DATE.isoformat(), "run_id": "t"},
        {"community_id": good, "plan_date": "not-a-date", "run_id": "t"},
    ]
    for body in bodies:
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(body))
    first = loaded_stack.drain_queue("PlanJobsQueue", retry_failed_now=True)
    assert first.succeeded == 1
    dlq = loaded_stack.stack.queue_url("PlanJobsDLQ")
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert sorted(json.loads(m["Body"])["community_id"] for m in dead) == [good, "C9999"]
    assert sorted(json.loads(m["Body"])["plan_date"] for m in dead)[0] == PLAN_DATE.isoformat()
    steward = next(s for s in small_city.stewards if s.community_id == good)
    assert routes.get_route(steward.steward_id, PLAN_DATE)["community_id"] == good


def test_re_planning_the_same_day_replaces_the_route_instead_of_adding_one(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    plan_the_day(loaded_stack)
    first_runs = {d["run_id"] for d in routes.routes_on(PLAN_DATE)}
    plan_the_day(loaded_stack)
    stored = list(routes.routes_on(PLAN_DATE))
    assert len(stored) == len(small_city.stewards)
    assert {d["run_id"] for d in stored}.isdisjoint(first_runs)


def test_redriving_dead_letters_replans_them_and_a_second_redrive_changes_nothing(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    from careroute.adapters.dynamodb.dead_letters import redrive

    sqs = loaded_stack.stack.client("sqs")
    queue = loaded_stack.stack.queue_url("PlanJobsQueue")
    dlq = loaded_stack.stack.queue_url("PlanJobsDLQ")
    community = small_city.communities[0].community_id
    job = {"community_id": community, "plan_date": PLAN_DATE.isoformat(), "run_id": "late"}
    sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(job))  # as if it had failed 3 times

    first = redrive(dlq, queue)
    loaded_stack.drain_queue("PlanJobsQueue")
    second = redrive(dlq, queue)

    assert (first.moved, first.left, second.moved) == (1, 0, 0)
    steward = next(s for s in small_city.stewards if s.community_id == community)
    assert routes.get_route(steward.steward_id, PLAN_DATE)["run_id"] == "late"
    assert len(list(routes.routes_on(PLAN_DATE))) == 1
