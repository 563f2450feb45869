"""The event pump delivers Lambda-shaped events to handlers, with Lambda's failure semantics.

One moto server for the module (see conftest); each test starts from reset() data.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from careroute_local.pump import EventPump, next_schedule_time
from careroute_local.stack import LocalStack

ReadLog = Callable[[str], list[dict[str, Any]]]

QUEUE = "JobsQueue"
DLQ = "JobsDLQ"
TABLE = "ItemsTable"
FAILURES = "StreamFailures"


def send(stack: LocalStack, *bodies: dict[str, Any]) -> None:
    sqs = stack.client("sqs")
    for body in bodies:
        sqs.send_message(
            QueueUrl=stack.queue_url(QUEUE),
            MessageBody=json.dumps(body),
            MessageAttributes={"origin": {"DataType": "String", "StringValue": "test"}},
        )


def receive_all(stack: LocalStack, queue: str) -> list[dict[str, Any]]:
    response = stack.client("sqs").receive_message(
        QueueUrl=stack.queue_url(queue), MaxNumberOfMessages=10, WaitTimeSeconds=0
    )
    return [json.loads(m["Body"]) for m in response.get("Messages", [])]


def put(stack: LocalStack, item_id: str, **extra: str) -> None:
    item = {"id": {"S": item_id}, "kind": {"S": "k"}, **{k: {"S": v} for k, v in extra.items()}}
    stack.client("dynamodb").put_item(TableName=stack.table_name(TABLE), Item=item)


# ------------------------------------------------------------------------------ SQS


def test_sqs_event_shape_and_partial_batch_failure(
    pump: EventPump, stack: LocalStack, read_log: ReadLog
):
    send(stack, {"id": "m0"}, {"id": "m1", "fail": True}, {"id": "m2"}, {"id": "m3", "fail": True})

    stats = pump.drain_queue(QUEUE)

    assert (stats.batches, stats.messages, stats.succeeded, stats.failed) == (1, 4, 2, 2)
    assert stats.invisible_left == 2 and stats.dead_lettered == 0
    # Only the successes were deleted: the failures wait out the visibility timeout (60 s).
    assert stack.queue_depth(QUEUE) == {"visible": 0, "not_visible": 2, "delayed": 0}
    record = read_log("worker")[0]["record"]
    assert set(record) == {
        "messageId", "receiptHandle", "body", "attributes", "messageAttributes",
        "md5OfBody", "eventSource", "eventSourceARN", "awsRegion",
    }  # fmt: skip
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == stack.template.queues[QUEUE].arn
    assert record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"]
    )
    assert record["messageAttributes"]["origin"] == {
        "stringValue": "test",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }


def test_a_raising_handler_deletes_nothing(pump: EventPump, stack: LocalStack):
    send(stack, {"id": "r0"}, {"id": "r1", "raise": True}, {"id": "r2"})

    stats = pump.drain_queue(QUEUE)

    assert (stats.succeeded, stats.failed, stats.invisible_left) == (0, 3, 3)
    assert "this batch raises" in stats.errors[0]


def test_a_message_failing_max_receive_count_times_ends_in_the_dlq(
    pump: EventPump, stack: LocalStack, read_log: ReadLog
):
    send(stack, {"id": "ok"}, {"id": "poison", "fail": True})

    stats = pump.drain_queue(QUEUE, retry_failed_now=True)

    # maxReceiveCount 2: delivered twice, then moto moves it on the next receive.
    deliveries = [e for e in read_log("worker") if e["id"] == "poison"]
    assert [d["record"]["attributes"]["ApproximateReceiveCount"] for d in deliveries] == ["1", "2"]
    assert (stats.succeeded, stats.failed, stats.dead_lettered) == (1, 2, 1)
    assert stack.queue_depth(QUEUE) == {"visible": 0, "not_visible": 0, "delayed": 0}
    assert receive_all(stack, DLQ) == [{"id": "poison", "fail": True}]


def test_max_batches_stops_early(pump: EventPump, stack: LocalStack):
    send(stack, *({"id": f"b{i}"} for i in range(10)))

    stats = pump.drain_queue(QUEUE, max_batches=1)

    assert (stats.batches, stats.succeeded) == (1, 4)
    assert stack.queue_depth(QUEUE)["visible"] == 6


def test_two_worker_processes_share_the_queue(
    pump: EventPump, stack: LocalStack, read_log: ReadLog
):
    send(stack, *({"id": f"w{i}", "sleep": 0.3} for i in range(16)))
    progress: list[int] = []

    stats = pump.drain_queue(QUEUE, workers=2, on_batch=progress.append)

    assert (stats.batches, stats.succeeded, stats.failed) == (4, 16, 0)
    entries = read_log("worker")
    assert sorted(e["id"] for e in entries) == sorted(f"w{i}" for i in range(16))
    pids = {e["pid"] for e in entries}
    assert len(pids) == 2 and os.getpid() not in pids
    assert progress[-1] == 16
    assert stack.queue_depth(QUEUE) == {"visible": 0, "not_visible": 0, "delayed": 0}


def test_a_crashed_worker_process_fails_its_batch_and_is_replaced(
    pump: EventPump, stack: LocalStack
):
    send(stack, {"id": "c0"}, {"id": "c1", "crash": True}, {"id": "c2"}, {"id": "c3"})

    crashed = pump.drain_queue(QUEUE, workers=2)

    assert (crashed.batches, crashed.succeeded, crashed.failed) == (1, 0, 4)
    assert "worker process died" in crashed.errors[0]
    assert stack.queue_depth(QUEUE)["not_visible"] == 4  # nothing lost: retried after 60 s
    send(stack, {"id": "after"})
    assert pump.drain_queue(QUEUE, workers=2).succeeded == 1


# ------------------------------------------------------------------------------ streams


def test_stream_records_arrive_in_order_once_in_lambda_shape(
    pump: EventPump, stack: LocalStack, read_log: ReadLog
):
    for i in range(9):
        put(stack, f"i{i}")
    put(stack, "i0", note="changed")
    stack.client("dynamodb").delete_item(TableName=stack.table_name(TABLE), Key={"id": {"S": "i1"}})

    stats = pump.drain_stream(TABLE)
    again = pump.drain_stream(TABLE)

    entries = read_log("projector")
    assert [e["id"] for e in entries] == [f"i{i}" for i in range(9)] + ["i0", "i1"]
    sequence = [int(e["record"]["dynamodb"]["SequenceNumber"]) for e in entries]
    assert sequence == sorted(sequence) and len(set(sequence)) == 11
    assert [e["record"]["eventName"] for e in entries][-3:] == ["INSERT", "MODIFY", "REMOVE"]
    assert len({e["batch"] for e in entries}) == 3  # BatchSize 4: 4 + 4 + 3
    assert (stats.batches, stats.messages, stats.succeeded, stats.failed) == (3, 11, 11, 0)
    assert (again.batches, again.messages) == (0, 0)

    modify = entries[9]["record"]
    assert set(modify) == {
        "eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb",
        "eventSourceARN",
    }  # fmt: skip
    assert modify["eventSource"] == "aws:dynamodb"
    assert modify["eventSourceARN"] == stack.stream_arn(TABLE)
    change = modify["dynamodb"]
    assert change["Keys"] == {"id": {"S": "i0"}}
    assert change["NewImage"]["note"] == {"S": "changed"}
    assert "note" not in change["OldImage"]
    assert change["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(change["ApproximateCreationDateTime"], int)
    assert isinstance(change["SizeBytes"], int)


def test_failing_stream_records_go_to_on_failure_after_retries(
    pump: EventPump, stack: LocalStack, read_log: ReadLog
):
    # Batch 1 [a0 a1 a2 r]: r is reported failed -> retried alone twice -> on-failure.
    # Batch 2 [b0 x b1 b2]: x raises -> bisected to [b0 x] [b1 b2] -> [b0] [x] -> x retried
    # twice -> on-failure. Everything else is processed and the shard moves on.
    for item_id in ("a0", "a1", "a2"):
        put(stack, item_id)
    put(stack, "r", report="yes")
    put(stack, "b0")
    put(stack, "x", **{"raise": "yes"})
    put(stack, "b1")
    put(stack, "b2")

    stats = pump.drain_stream(TABLE)

    delivered = [e["id"] for e in read_log("projector")]
    assert {"a0", "a1", "a2", "b0", "b1", "b2"} <= set(delivered)
    assert delivered.count("r") == 3 and delivered.count("x") == 5
    assert stats.dead_lettered == 2
    failures = receive_all(stack, FAILURES)
    assert len(failures) == 2
    by_seq = {e["record"]["dynamodb"]["SequenceNumber"]: e["id"] for e in read_log("projector")}
    reported, raised = sorted(
        failures, key=lambda f: int(f["DDBStreamBatchInfo"]["startSequenceNumber"])
    )
    for failure, item_id in ((reported, "r"), (raised, "x")):
        info = failure["DDBStreamBatchInfo"]
        assert by_seq[info["startSequenceNumber"]] == item_id
        assert info["startSequenceNumber"] == info["endSequenceNumber"]
        assert info["batchSize"] == 1
        assert info["streamArn"] == stack.stream_arn(TABLE)
        assert info["approximateArrivalOfFirstRecord"].endswith("Z")
        assert failure["version"] == "1.0"
        assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
        assert failure["requestContext"]["functionArn"].endswith(
            ":function:pump-test-ProjectorFunction"
        )
    assert reported["requestContext"]["approximateInvokeCount"] == 3
    assert "functionError" not in reported["responseContext"]
    assert raised["responseContext"]["functionError"] == "Unhandled"
    assert raised["requestContext"]["approximateInvokeCount"] == 5  # 1 + 2 bisections + 2 retries

    # Moving on means moving on: nothing is delivered again.
    assert pump.drain_stream(TABLE).messages == 0


def test_redeliver_stream_replays_everything(pump: EventPump, stack: LocalStack, read_log: ReadLog):
    for i in range(3):
        put(stack, f"d{i}")
    pump.drain_stream(TABLE)

    stats = pump.redeliver_stream(TABLE)

    assert stats.messages == 3
    assert [e["id"] for e in read_log("projector")] == ["d0", "d1", "d2"] * 2


def test_reset_gives_a_fresh_stream(pump: EventPump, stack: LocalStack, read_log: ReadLog):
    put(stack, "before")
    pump.drain_stream(TABLE)
    stack.reset()
    put(stack, "after")

    assert pump.drain_stream(TABLE).messages == 1
    assert [e["id"] for e in read_log("projector")] == ["before", "after"]


# ------------------------------------------------------------------------------ HTTP


def test_http_event_is_payload_format_2(pump: EventPump):
    response = pump.invoke_http(
        "GET",
        "/things/t%201/parts/p2",
        headers={"X-Custom": "v", "Cookie": "c1=a; c2=b", "User-Agent": "pytest"},
        query={"x": ["1", "2"], "y": ""},
    )

    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-echo"] == "yes"
    assert response.headers["set-cookie"] == "a=1, b=2"
    body = response.json()
    event = body["event"]
    assert body["function"] == "pump-test-EchoFunction"
    assert 0 < body["remaining_ms"] <= 29_000
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /things/{thing_id}/parts/{part}"
    assert event["rawPath"] == "/v1/things/t%201/parts/p2"  # the stage is part of the path
    assert event["rawQueryString"] == "x=1&x=2&y="
    assert event["queryStringParameters"] == {"x": "1,2", "y": ""}
    assert event["pathParameters"] == {"thing_id": "t 1", "part": "p2"}
    assert event["cookies"] == ["c1=a", "c2=b"]
    assert event["headers"]["x-custom"] == "v"
    assert "cookie" not in event["headers"]
    assert event["isBase64Encoded"] is False
    assert "body" not in event
    context = event["requestContext"]
    assert context["stage"] == "v1"
    assert context["routeKey"] == event["routeKey"]
    assert context["accountId"] == "123456789012"
    assert context["http"] == {
        "method": "GET",
        "path": "/v1/things/t%201/parts/p2",
        "protocol": "HTTP/1.1",
        "sourceIp": "127.0.0.1",
        "userAgent": "pytest",
    }
    assert context["domainName"] == f"{context['apiId']}.execute-api.us-east-1.amazonaws.com"
    assert isinstance(context["timeEpoch"], int) and context["requestId"]


def test_http_bodies_text_and_binary(pump: EventPump):
    posted = pump.invoke_http(
        "POST", "/things", headers={"Content-Type": "application/json"}, body='{"n": 1}'
    )
    binary = pump.invoke_http(
        "POST",
        "/things",
        headers={"Content-Type": "application/octet-stream"},
        body=b"\x00\xff",
    )

    assert posted.status == 201
    assert posted.json()["event"]["body"] == '{"n": 1}'
    assert posted.json()["event"]["isBase64Encoded"] is False
    event = binary.json()["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\xff"


def test_http_route_matching_and_result_rules(pump: EventPump):
    fixed = pump.invoke_http("GET", "/things/fixed/parts/one").json()["event"]
    files = pump.invoke_http("DELETE", "/files/a/b/c.txt").json()["event"]
    bare = pump.invoke_http("GET", "/bare")
    text = pump.invoke_http("GET", "/text")

    assert fixed["routeKey"] == "GET /things/fixed/parts/one"  # literal beats {params}
    assert "pathParameters" not in fixed
    assert files["routeKey"] == "ANY /files/{path+}"
    assert files["pathParameters"] == {"path": "a/b/c.txt"}
    assert (bare.status, bare.headers, bare.json()) == (
        200,
        {"content-type": "application/json"},
        {"hello": "world"},
    )
    assert text.body == b"plain text"


def test_http_errors_look_like_api_gateway(pump: EventPump):
    for method, path in (("GET", "/nope"), ("DELETE", "/things"), ("GET", "/things/1")):
        status, _headers, body = pump.invoke_http(method, path)
        assert (status, json.loads(body)) == (404, {"message": "Not Found"})
    boom = pump.invoke_http("GET", "/boom")
    assert (boom.status, boom.json()) == (500, {"message": "Internal Server Error"})


def test_serve_http_over_a_socket(pump: EventPump):
    server, url = pump.serve_http()
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        request = urllib.request.Request(
            f"{url}/things",
            data=b'{"hello": "socket"}',
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
            assert response.headers.get_all("set-cookie") == ["a=1", "b=2"]
            event = json.loads(response.read())["event"]
        assert event["body"] == '{"hello": "socket"}'
        assert event["rawPath"] == "/v1/things"

        with pytest.raises(urllib.error.HTTPError) as too_big:
            urllib.request.urlopen(
                urllib.request.Request(f"{url}/things", data=b"x" * (1024 * 1024 + 1)), timeout=10
            )
        assert too_big.value.code == 413
        without_stage = url.removesuffix("/v1") + "/things/1/parts/2"
        with pytest.raises(urllib.error.HTTPError) as not_found:
            urllib.request.urlopen(without_stage, timeout=10)
        assert not_found.value.code == 404
    finally:
        server.shutdown()


# ------------------------------------------------------------------------------ schedules


def test_fire_schedule_fills_the_scheduler_placeholders(pump: EventPump):
    result = pump.fire_schedule("TickFunction", datetime(2026, 12, 1, 13, 0, tzinfo=UTC))

    event = result["event"]
    assert event["job"] == "tick"
    assert event["scheduled_time"] == "2026-12-01T13:00:00Z"
    assert event["attempt"] == "1"
    assert len(event["execution"]) == 36
    assert event["arn"] == (
        "arn:aws:scheduler:us-east-1:123456789012:schedule/default/TickFunctionNightly"
    )
    assert result["function"] == "pump-test-TickFunction"
    assert result["mode"] == "test"  # !If on a condition, through Globals
    replay = pump.fire_schedule(
        "TickFunction", datetime(2026, 12, 1, 13, 0), overrides={"job": "replay"}
    )
    assert replay["event"]["job"] == "replay"


def test_next_fire_time_in_the_schedule_time_zone(pump: EventPump):
    after = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    first = pump.next_fire_time("TickFunction", after)
    assert first == datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # 21:00 in Shanghai
    assert pump.next_fire_time("TickFunction", first) == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # AWS day-of-week 2-6 is MON-FRI; Saturday 2026-11-28 -> Monday.
        ("cron(0 9 ? * 2-6 *)", datetime(2026, 11, 28, 10), datetime(2026, 11, 30, 9)),
        ("cron(0 9 ? * MON-FRI *)", datetime(2026, 11, 28, 10), datetime(2026, 11, 30, 9)),
        ("cron(0 9 ? * 6L *)", datetime(2026, 12, 1), datetime(2026, 12, 25, 9)),  # last FRI
        ("cron(0 9 ? * 2#1 *)", datetime(2026, 12, 1), datetime(2026, 12, 7, 9)),  # 1st MON
        ("cron(30 0 1 1 ? 2028)", datetime(2026, 12, 1), datetime(2028, 1, 1, 0, 30)),
        ("cron(0 0 1 1 ? 2020)", datetime(2026, 12, 1), None),
        ("rate(5 minutes)", datetime(2026, 12, 1), datetime(2026, 12, 1, 0, 5)),
        ("rate(1 day)", datetime(2026, 12, 1), datetime(2026, 12, 2)),
        ("at(2026-12-24T18:00:00)", datetime(2026, 12, 1), datetime(2026, 12, 24, 18)),
        ("at(2026-12-24T18:00:00)", datetime(2026, 12, 25), None),
    ],
)
def test_schedule_expressions(expression: str, after: datetime, expected: datetime | None) -> None:
    result = next_schedule_time(expression, "UTC", after)
    assert result == (expected.replace(tzinfo=UTC) if expected else None)


# ------------------------------------------------------------------------------ main loop


def test_run_forever_drains_queues_and_streams(
    pump: EventPump, stack: LocalStack, read_log: ReadLog
):
    send(stack, {"id": "loop"})
    put(stack, "loop-item")
    stop = threading.Event()
    thread = threading.Thread(target=pump.run_forever, args=(stop,), kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (read_log("worker") and read_log("projector")):
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert [e["id"] for e in read_log("worker")] == ["loop"]
    assert [e["id"] for e in read_log("projector")] == ["loop-item"]
