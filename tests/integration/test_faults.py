"""Faults injected into the local stack: nothing lost, nothing counted twice.

A small city's day runs through the real handlers (nightly tick -> planner -> SQS -> solver;
outcomes over the HTTP API; visits stream -> projector) while something goes wrong:
DynamoDB throttling and server errors answered by the moto server itself (every client meets
them through its real botocore retries), permissions lost long enough for the projector to
give up (its batches go to the DLQ, a redrive recovers them), a handler dying after its write
but before its acknowledgement, SQS messages and stream records delivered 2-3 times or out
of order, and OR-Tools raising or finding nothing in time. Each test ends with the same
checks: every accepted outcome stored once, coverage equal to a recount of the raw visits,
one ticket per finding, one route per community, nothing left in a DLQ unexplained.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest

from careroute.adapters.dynamodb import registry, routes
from careroute.adapters.dynamodb.oversight_repositories import coverage_checking
from careroute.adapters.dynamodb.redrive_repositories import projector_redrive
from careroute.adapters.dynamodb.stream_failures import FailedBatch
from careroute.adapters.dynamodb.tickets import TicketModel
from careroute.adapters.dynamodb.visits import all_visits
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import ElderStatus, Registry
from careroute.entrypoints.api_routes import visits as api_visits
from careroute.planning.plan_summary import summarise
from careroute.service_layer.coverage_check import check_month
from careroute.service_layer.stream_redrive import redrive_projector
from careroute_local import faults
from careroute_local.cli import main
from careroute_local.pump import EventPump, load_handler
from tests.conftest import PLAN_DATE, bearer, china_now, nightly_tick_time
from tests.integration.api_calls import post_json

NOW = china_now().replace(microsecond=0)
MONTH = NOW.strftime("%Y-%m")
Post = tuple[str, str, dict[str, Any]]  # steward, idempotency key, body


# ---------------------------------------------------------------------- the day


def night(pump: EventPump) -> int:
    """The nightly tick and every plan job through the solver; returns the jobs sent."""
    fan_out = pump.fire_schedule("PlannerFunction", nightly_tick_time(PLAN_DATE))
    pump.drain_queue("PlanJobsQueue", retry_failed_now=True)
    return int(fan_out["jobs"])


def day_outcomes(limit: int | None = None) -> list[Post]:
    """One outcome per planned stop: mostly visited, some not home, some with a finding."""
    posts: list[Post] = []
    stops = [(d["steward_id"], s["elder_id"]) for d in routes.routes_on(PLAN_DATE)
             for s in d["stops"]]  # fmt: skip
    for n, (steward, elder) in enumerate(stops[:limit]):
        body: dict[str, Any] = {
            "elder_id": elder,
            "outcome": "not_home" if n % 5 == 4 else "visited",
            "visited_at": (NOW - timedelta(minutes=n)).isoformat(),
        }
        if n % 3 == 0 and body["outcome"] == "visited":
            body["findings"] = [{"category": "health", "severity": "high", "note": "n"}]
        posts.append((steward, f"fault-{n:06d}", body))
    return posts


def post(pump: EventPump, steward: str, key: str, body: dict[str, Any]) -> tuple[int, Any]:
    response = post_json(pump, "/visits", bearer(pump, "steward", steward), body, key)
    return response.status, response.json()


def post_all(pump: EventPump, posts: list[Post], tries: int = 4) -> dict[str, str]:
    """Post like a phone: retry the same request on a 5xx until it is accepted."""
    accepted: dict[str, str] = {}
    for steward, key, body in posts:
        for _ in range(tries):
            status, answer = post(pump, steward, key, body)
            if status == 201:
                accepted[key] = answer["visit_id"]
                break
            assert status >= 500, (status, answer)
        else:
            pytest.fail(f"{key} was never accepted")
    return accepted


def planned_and_posted(pump: EventPump, limit: int) -> tuple[list[Post], dict[str, str]]:
    """The night's plans, then the first `limit` of the day's outcomes posted like a phone;
    returns the posts and the visit id each was accepted as."""
    night(pump)
    posts = day_outcomes(limit=limit)
    return posts, post_all(pump, posts)


def tickets_stored() -> list[str]:
    return sorted(t.visit_id for t in TicketModel.scan())


def dead_letters(pump: EventPump, queue: str) -> list[dict[str, Any]]:
    sqs = pump.stack.client("sqs")
    url = pump.stack.queue_url(queue)
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0
    ).get("Messages", [])
    return messages


def assert_nothing_lost(pump: EventPump, posts: list[Post], accepted: dict[str, str]) -> None:
    pump.drain_stream("VisitsTable")
    stored = [v.visit_id for v in all_visits()]
    assert len(stored) == len(set(stored)) == len(posts)  # every outcome once
    assert set(stored) == set(accepted.values())
    assert check_month(MONTH, coverage_checking()) == []  # counters == recount of the raw visits
    with_findings = sorted(accepted[k] for _, k, b in posts if b.get("findings"))
    assert tickets_stored() == with_findings  # one ticket per finding
    assert dead_letters(pump, "ProjectorDLQ") == []
    assert dead_letters(pump, "PlanJobsDLQ") == []


@pytest.fixture
def injector(loaded_stack: EventPump) -> Iterator[Callable[[list[dict[str, Any]]], None]]:
    endpoint = loaded_stack.stack.endpoint_url
    yield lambda rules: faults.inject(endpoint, rules)
    faults.clear(endpoint)


def _handler_module(pump: EventPump, function: str) -> Any:
    """The loaded module of a function's handler (the one the pump imports and calls)."""
    handler = load_handler(pump.stack.template.functions[function])
    return sys.modules[handler.__module__]


# ---------------------------------------------------------------------- DynamoDB errors


DAY_TABLES = ["CommunitiesTable", "StewardsTable", "EldersTable", "RoutesTable", "VisitsTable",
              "CoverageTable", "TicketsTable"]  # fmt: skip
"""The tables a day's plan, posts and projection use."""


def test_sqs_throttling_of_the_planner_and_the_pump_loses_no_plan_job(
    loaded_stack: EventPump, injector: Callable[[list[dict[str, Any]]], None]
) -> None:
    """The planner's sends and the poller's receives and deletes are throttled now and then."""
    operations = ["SendMessageBatch", "ReceiveMessage", "DeleteMessageBatch"]
    injector([{"service": "AmazonSQS", "operations": [operation], "code": "ThrottlingException",
               "times": 1} for operation in operations])  # fmt: skip
    jobs = night(loaded_stack)
    refused = dict(zip(operations, faults.clear(loaded_stack.stack.endpoint_url), strict=True))
    assert refused == dict.fromkeys(operations, 1)
    assert len(list(routes.routes_on(PLAN_DATE))) == jobs
    assert dead_letters(loaded_stack, "PlanJobsDLQ") == []


@pytest.mark.parametrize(
    "code",
    ["ProvisionedThroughputExceededException", "InternalServerError", "ServiceUnavailable"],
)
def test_throttling_and_server_errors_on_every_table_lose_and_double_nothing(
    loaded_stack: EventPump, injector: Callable[[list[dict[str, Any]]], None], code: str
) -> None:
    """Requests to each table the day uses are refused now and then (every 4th, at most twice
    per table) through the night, the posts and the projection; the SDKs' retries absorb it."""
    tables = [loaded_stack.stack.table_name(t) for t in DAY_TABLES]
    injector([{"service": "DynamoDB", "table": table, "code": code, "every": 4, "times": 2}
              for table in tables])  # fmt: skip
    jobs = night(loaded_stack)
    posts = day_outcomes(limit=20)
    accepted = post_all(loaded_stack, posts)
    loaded_stack.drain_stream("VisitsTable")
    injected = faults.clear(loaded_stack.stack.endpoint_url)
    refused = dict(zip(DAY_TABLES, injected, strict=True))
    assert all(refused.values()), refused  # every table met the fault

    assert len(list(routes.routes_on(PLAN_DATE))) == jobs
    assert_nothing_lost(loaded_stack, posts, accepted)


def test_a_projector_outage_past_its_retries_ends_in_the_dlq_and_a_redrive_recovers_it(
    loaded_stack: EventPump,
    injector: Callable[[list[dict[str, Any]]], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Lost permission on the counter transactions (not retryable): the stream batch is
    retried, bisected, then described in ProjectorDLQ; drift is visible; a redrive (twice)
    restores exactly the right counters."""
    posts, accepted = planned_and_posted(loaded_stack, limit=6)
    injector([{"service": "DynamoDB", "operations": ["TransactWriteItems"],
               "code": "AccessDeniedException"}])  # fmt: skip
    stats = loaded_stack.drain_stream("VisitsTable")
    faults.clear(loaded_stack.stack.endpoint_url)

    assert stats.dead_lettered == len(posts)
    letters = dead_letters(loaded_stack, "ProjectorDLQ")
    batches = [FailedBatch.from_message(m["Body"]) for m in letters]
    assert sum(b.size for b in batches) == len(posts)
    assert {b.condition for b in batches} == {"RetryAttemptsExhausted"}
    arn = loaded_stack.stack.stream_arn("VisitsTable")
    assert all(b.attempts >= 6 and b.stream_arn == arn for b in batches)
    assert check_month(MONTH, coverage_checking()) != []  # the drift check sees the missing counts

    main(["redrive"])  # the operator's command, twice
    main(["redrive"])
    said = capsys.readouterr().err
    assert f"Replayed {len(letters)} failed visit-stream batches; 0 left." in said
    assert "Replayed 0 failed visit-stream batches; 0 left." in said
    assert_nothing_lost(loaded_stack, posts, accepted)


def test_replaying_a_dead_letter_that_was_partly_applied_counts_each_visit_once(
    loaded_stack: EventPump,
) -> None:
    """A batch whose first records were projected before the failure is replayed whole."""
    posts, accepted = planned_and_posted(loaded_stack, limit=4)
    loaded_stack.drain_stream("VisitsTable")  # all projected...
    streams = loaded_stack.stack.client("dynamodbstreams")
    arn = loaded_stack.stack.stream_arn("VisitsTable")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    spec = loaded_stack.stack.template.functions["ProjectorFunction"]
    raw = [loaded_stack._stream_record(r, arn) for r in records]
    loaded_stack._on_failure(spec, "ProjectorDLQ", arn, shard["ShardId"], raw, 6, "Unhandled")
    dlq = loaded_stack.stack.queue_url("ProjectorDLQ")  # ...and yet dead-lettered

    assert redrive_projector(load_policy(), projector_redrive(dlq)).moved == 1
    assert_nothing_lost(loaded_stack, posts, accepted)


# ---------------------------------------------------------------------- crashes


def test_a_solver_dying_after_its_write_but_before_the_delete_replans_to_the_same_routes(
    loaded_stack: EventPump,
) -> None:
    """The runtime dies after the handler stored the routes: SQS never hears of it; after
    the visibility timeout the jobs run again and replace, not add, the routes."""
    settle = EventPump._settle
    sqs = loaded_stack.stack.client("sqs")
    unacknowledged: list[dict[str, Any]] = []

    def died(self: EventPump, _sqs: Any, url: str, messages: list[dict[str, Any]],
             *args: Any) -> None:  # fmt: skip
        unacknowledged.extend(messages)  # no delete: the messages stay in flight

    fan_out = loaded_stack.fire_schedule("PlannerFunction", nightly_tick_time(PLAN_DATE))
    with mock.patch.object(EventPump, "_settle", died):
        loaded_stack.drain_queue("PlanJobsQueue")
    first = {d["steward_id"]: d["stops"] for d in routes.routes_on(PLAN_DATE)}
    url = loaded_stack.stack.queue_url("PlanJobsQueue")
    for m in unacknowledged:  # the visibility timeout runs out
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"],
                                      VisibilityTimeout=0)  # fmt: skip
    assert loaded_stack.stack.queue_depth("PlanJobsQueue")["visible"] == fan_out["jobs"]
    with mock.patch.object(EventPump, "_settle", settle):
        stats = loaded_stack.drain_queue("PlanJobsQueue")
    again = {d["steward_id"]: d["stops"] for d in routes.routes_on(PLAN_DATE)}
    assert stats.succeeded == fan_out["jobs"] and stats.dead_lettered == 0
    assert len(again) == fan_out["jobs"]
    assert [s["elder_id"] for s in again[next(iter(again))]] == [
        s["elder_id"] for s in first[next(iter(again))]
    ]  # deterministic solve: the same route, stored once


def test_an_api_crash_after_the_visit_is_written_is_retried_into_the_same_visit(
    loaded_stack: EventPump,
) -> None:
    night(loaded_stack)
    posts = day_outcomes(limit=3)
    write = api_visits.record_visit
    crashes: list[str] = []

    def written_then_crash(*args: Any, **kwargs: Any) -> Any:
        result = write(*args, **kwargs)
        if len(crashes) < len(posts):
            crashes.append(result[0].visit_id)
            raise RuntimeError("the runtime died before answering")
        return result

    with mock.patch.object(api_visits, "record_visit", written_then_crash):
        statuses = [post(loaded_stack, *p)[0] for p in posts]
        accepted = post_all(loaded_stack, posts)
    assert statuses == [500] * len(posts)
    assert sorted(crashes) == sorted(accepted.values())
    assert_nothing_lost(loaded_stack, posts, accepted)


def test_a_projector_crash_after_its_writes_is_redelivered_and_counted_once(
    loaded_stack: EventPump,
) -> None:
    posts, accepted = planned_and_posted(loaded_stack, limit=12)
    projector = _handler_module(loaded_stack, "ProjectorFunction")
    project = projector.project
    calls: list[str] = []

    def applied_then_crash(record: Any, policy: Any, ports: Any) -> Any:
        result = project(record, policy, ports)
        calls.append(record.visit_id)
        if len(calls) in (1, 5, 6):  # the first record, and two in the middle of a batch
            raise RuntimeError("the runtime died before the checkpoint")
        return result

    with mock.patch.object(projector, "project", applied_then_crash):
        stats = loaded_stack.drain_stream("VisitsTable")
    assert stats.failed > 0 and stats.dead_lettered == 0
    assert len(calls) > len(posts)  # some records were applied twice
    assert_nothing_lost(loaded_stack, posts, accepted)


# ---------------------------------------------------------------------- duplicates, order


def test_the_same_plan_job_three_times_and_every_stream_record_three_times_change_nothing(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    jobs = night(loaded_stack)
    sqs = loaded_stack.stack.client("sqs")
    url = loaded_stack.stack.queue_url("PlanJobsQueue")
    community = small_city.communities[0].community_id
    job = {"community_id": community, "plan_date": PLAN_DATE.isoformat(), "run_id": "dup"}
    for _ in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(job))
    assert loaded_stack.drain_queue("PlanJobsQueue").succeeded == 3
    assert len(list(routes.routes_on(PLAN_DATE))) == jobs

    posts = day_outcomes(limit=15)
    accepted = post_all(loaded_stack, posts)
    again = post_all(loaded_stack, posts)  # every phone sends its batch a second time
    assert again == accepted
    loaded_stack.drain_stream("VisitsTable")
    loaded_stack.redeliver_stream("VisitsTable")
    loaded_stack.redeliver_stream("VisitsTable")
    assert_nothing_lost(loaded_stack, posts, accepted)


def test_stream_records_out_of_order_leave_the_newest_outcome_and_exact_counts(
    loaded_stack: EventPump,
) -> None:
    """Hospitalised at 09:00, then visited at home at 11:00; the projector sees 11:00 first."""
    night(loaded_stack)
    steward, _, first = day_outcomes(limit=1)[0]
    elder = first["elder_id"]
    earlier = {"elder_id": elder, "outcome": "hospitalised",
               "visited_at": (NOW - timedelta(hours=3)).isoformat()}  # fmt: skip
    later = {"elder_id": elder, "outcome": "visited",
             "visited_at": (NOW - timedelta(hours=1)).isoformat()}  # fmt: skip
    posts: list[Post] = [(steward, "order-00001", earlier), (steward, "order-00002", later)]
    accepted = post_all(loaded_stack, posts)

    streams = loaded_stack.stack.client("dynamodbstreams")
    arn = loaded_stack.stack.stream_arn("VisitsTable")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = [loaded_stack._stream_record(r, arn)
               for r in streams.get_records(ShardIterator=iterator)["Records"]]  # fmt: skip
    loaded_stack.invoke("ProjectorFunction", {"Records": records[::-1]})
    loaded_stack.drain_stream("VisitsTable")  # and then in order, as a redelivery

    community = next(v.community_id for v in all_visits())
    assert registry.get_elder(community, elder).status is ElderStatus.ACTIVE
    assert_nothing_lost(loaded_stack, posts, accepted)


# ---------------------------------------------------------------------- the solver


@pytest.mark.parametrize(
    "search",
    [
        pytest.param(mock.Mock(side_effect=RuntimeError("solver crashed")), id="raises"),
        pytest.param(mock.Mock(return_value=None), id="no answer within the time limit"),
    ],
)
def test_when_or_tools_fails_every_community_still_gets_a_valid_fallback_route(
    loaded_stack: EventPump, search: mock.Mock
) -> None:
    with mock.patch("careroute.routing.ortools_router._search", search):
        jobs = night(loaded_stack)
    docs = list(routes.routes_on(PLAN_DATE))
    summary = summarise(docs)
    assert search.called
    assert len(docs) == jobs and summary.fallback_routes == jobs
    assert summary.mandatory_unassigned == 0 and summary.visits_planned > 0
    assert dead_letters(loaded_stack, "PlanJobsDLQ") == []
