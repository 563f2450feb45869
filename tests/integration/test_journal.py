"""The local stack's journal: a stopped (or killed) stack comes back as it was.

Each test starts a journaled stack in a fresh data folder, changes it, stops it, and starts a
new one from the same folder (what `careroute run` does after a restart).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from botocore.exceptions import ClientError

from careroute_local.paths import TEMPLATE_PATH
from careroute_local.pump import EventPump
from careroute_local.stack import LocalStack


@pytest.fixture
def journaled(tmp_path: Path) -> Iterator[Path]:
    with mock.patch.dict(os.environ):
        yield tmp_path / "state"


def start(state: Path) -> LocalStack:
    """A journaled stack started from `state`; `with start(state) as stack:` stops it after."""
    return LocalStack(TEMPLATE_PATH, parameters={"LogLevel": "WARNING"}, state_dir=state).start()


def put_visit(stack: LocalStack, visit_id: str) -> None:
    stack.client("dynamodb").put_item(
        TableName=stack.table_name("VisitsTable"),
        Item={"visit_id": {"S": visit_id}, "elder_id": {"S": "E1"}},
        ConditionExpression="attribute_not_exists(visit_id)",
    )


def stream_records(stack: LocalStack) -> list[tuple[str, str]]:
    return [
        (r["dynamodb"]["SequenceNumber"], r["dynamodb"]["Keys"]["visit_id"]["S"])
        for r in stack.stream_records("VisitsTable")
    ]


def test_items_stream_and_queued_messages_come_back_after_a_restart(journaled: Path) -> None:
    stack = start(journaled)
    for n in range(3):
        put_visit(stack, f"v{n}")
    with pytest.raises(ClientError):  # a failed condition changes nothing: not journaled
        put_visit(stack, "v0")
    sqs = stack.client("sqs")
    queue = stack.queue_url("PlanJobsQueue")
    for n in range(4):
        sqs.send_message(QueueUrl=queue, MessageBody=f"job-{n}")
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=2)["Messages"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=received[0]["ReceiptHandle"])
    before = stream_records(stack)
    stack.stop()

    with start(journaled) as again:
        assert stream_records(again) == before  # same records, same sequence numbers
        depth = again.queue_depth("PlanJobsQueue")
        assert depth == {"visible": 3, "not_visible": 0, "delayed": 0}
        messages = again.client("sqs").receive_message(
            QueueUrl=again.queue_url("PlanJobsQueue"), MaxNumberOfMessages=10
        )["Messages"]
        bodies = {m["Body"] for m in messages}
        assert bodies == {"job-1", "job-2", "job-3"}  # the one in flight is back


def test_a_restarted_pump_delivers_each_stream_record_once(journaled: Path) -> None:
    stack = start(journaled)
    pump = EventPump(stack)
    delivered: list[str] = []

    def projector(event: dict, context: object) -> dict:  # type: ignore[type-arg]
        delivered.extend(r["dynamodb"]["Keys"]["visit_id"]["S"] for r in event["Records"])
        return {"batchItemFailures": []}

    with mock.patch.dict(pump._handlers, {"ProjectorFunction": projector}):
        put_visit(stack, "before-1")
        put_visit(stack, "before-2")
        pump.drain_stream("VisitsTable")
    stack.stop()

    with start(journaled) as again:
        pump = EventPump(again)
        with mock.patch.dict(pump._handlers, {"ProjectorFunction": projector}):
            put_visit(again, "after-1")
            pump.drain_stream("VisitsTable")
        assert delivered == ["before-1", "before-2", "after-1"]
        positions = json.loads((journaled / "stream_positions.json").read_text())
        assert list(positions) == ["VisitsTable"]


def test_a_torn_last_line_is_dropped_and_the_rest_replayed(journaled: Path) -> None:
    stack = start(journaled)
    put_visit(stack, "kept")
    stack.stop()
    with (journaled / "journal.jsonl").open("ab") as journal:
        journal.write(b'{"r":{"p":"/","h":{"x-amz-tar')  # a write cut off by the kill

    with start(journaled) as again:
        assert again.journal_replayed is not None
        assert [visit for _, visit in stream_records(again)] == ["kept"]
        put_visit(again, "next")
    with start(journaled) as third:
        assert [visit for _, visit in stream_records(third)] == ["kept", "next"]


def test_reset_empties_the_journal(journaled: Path) -> None:
    stack = start(journaled)
    put_visit(stack, "gone")
    stack.reset()
    stack.stop()
    with start(journaled) as again:
        assert stream_records(again) == []
