"""The local moto server's faster reads answer what moto answers (moto_patches, items 1, 8-10).

A Query without a projection answers the stored items as they are, in the wire format built
straight from the attribute types: every attribute type comes back as it was written, and a
projection (which builds new items) still leaves the stored ones whole. An item's size (for
the 1 MB page) is moto's own, and an index query finds its key's items in moto's order, page
by page. SQS reads the clock once per look at a queue: its counts and what a receive hands out
stay those of moto. The conversion itself is compared with moto's own walk, value by value.
"""

from __future__ import annotations

import base64
from typing import Any

from moto.core.utils import unix_time_millis
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.utilities import dynamo_to_dict
from moto.sqs.models import Message, Queue

from careroute_local import moto_patches
from careroute_local.stack import LocalStack

EVERY_TYPE: dict[str, dict[str, Any]] = {
    "text": {"S": "王秀英"},
    "number": {"N": "39.91234"},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "texts": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2.5"]},
    "bytes": {"B": b"\x00\x01"},
    "byte_sets": {"BS": [b"\x02"]},
    "list": {"L": [{"S": "x"}, {"N": "3"}, {"M": {"deep": {"L": [{"BOOL": True}]}}}]},
    "map": {"M": {"a": {"S": "y"}, "b": {"NULL": True}, "c": {"SS": ["z"]}}},
}
"""An item's attributes as boto3 writes and reads them (binary values as bytes)."""


def _on_the_wire(value: dict[str, Any]) -> dict[str, Any]:
    """An attribute as the wire carries it (binary values base64-encoded)."""
    if "B" in value:
        return {"B": base64.b64encode(value["B"]).decode()}
    if "BS" in value:
        return {"BS": [base64.b64encode(b).decode() for b in value["BS"]]}
    return value


def test_a_query_answers_every_attribute_type_as_written(empty_careroute: LocalStack) -> None:
    dynamodb = empty_careroute.client("dynamodb")
    table = empty_careroute.table_name("EldersTable")
    items = [
        {"community_id": {"S": "C1"}, "elder_id": {"S": f"E{n}"}, **EVERY_TYPE} for n in range(3)
    ]
    for item in items:
        dynamodb.put_item(TableName=table, Item=item)

    def query() -> list[dict]:
        return dynamodb.query(
            TableName=table,
            KeyConditionExpression="community_id = :c",
            ExpressionAttributeValues={":c": {"S": "C1"}},
            ConsistentRead=True,
        )["Items"]

    assert query() == items
    projected = dynamodb.query(
        TableName=table,
        KeyConditionExpression="community_id = :c",
        ExpressionAttributeValues={":c": {"S": "C1"}},
        ProjectionExpression="elder_id, #m.a",
        ExpressionAttributeNames={"#m": "map"},
    )["Items"]
    assert projected == [
        {"elder_id": i["elder_id"], "map": {"M": {"a": {"S": "y"}}}} for i in items
    ]
    assert query() == items


def test_the_wire_format_is_moto_s_own() -> None:
    for name, value in EVERY_TYPE.items():
        typed = DynamoType(_on_the_wire(value))
        assert moto_patches._wire(typed) == dynamo_to_dict(typed), name
    stored = {name: DynamoType(_on_the_wire(value)) for name, value in EVERY_TYPE.items()}
    answer = {"Items": [stored], "Count": 1}
    assert moto_patches._wire(answer) == dynamo_to_dict(answer)


def test_an_item_s_size_is_moto_s_own() -> None:
    attributes = {name: _on_the_wire(value) for name, value in EVERY_TYPE.items()}
    attributes["count"] = {"N": "-0012.5000"}
    attributes["wide"] = {"S": "和平区" * 40}
    item = Item(DynamoType({"S": "C1"}), DynamoType({"S": "E1"}), attributes)
    assert moto_patches._item_size(item) == moto_patches._original_item_size(item)


def _queue_in_every_state() -> Queue:
    queue = Queue("plan-jobs", "us-east-1", "123456789012")
    now = unix_time_millis()
    for n, (visible_at, delayed_until) in enumerate(
        [
            (0, 0),
            (now + 60_000, 0),
            (0, now + 60_000),
            (now - 1, now - 1),
            (now + 1_000, now + 1_000),
        ]
    ):
        message = Message(f"m{n}", "{}")
        message.visible_at, message.delayed_until = visible_at, delayed_until
        queue._messages.append(message)
    return queue


def test_a_queue_s_messages_and_counts_are_moto_s_own() -> None:
    queue = _queue_in_every_state()
    visible = [m for m in queue._messages if m.visible and not m.delayed]
    assert moto_patches._visible_messages(queue) == visible
    assert [m.id for m in visible] == ["m0", "m3"]
    assert moto_patches._delayed_count(queue) == sum(1 for m in queue._messages if m.delayed) == 2
    assert (
        moto_patches._not_visible_count(queue)
        == sum(1 for m in queue._messages if not m.visible)
        == 2
    )


def test_a_receive_hands_out_messages_in_order_until_the_queue_is_empty(
    empty_careroute: LocalStack,
) -> None:
    stack = empty_careroute
    sqs = stack.client("sqs")
    url = stack.queue_url("PlanJobsQueue")
    for start in range(0, 30, 10):
        sqs.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(n), "MessageBody": f"job {n}"} for n in range(start, start + 10)],
        )
    assert stack.queue_depth("PlanJobsQueue") == {
        "visible": 30,
        "not_visible": 0,
        "delayed": 0,
    }
    received: list[str] = []
    deleted = 0
    while page := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=7).get("Messages", []):
        received += [m["Body"] for m in page]
        done = page[:5]  # the rest stays in flight, invisible
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)
            ],
        )
        deleted += len(done)
    assert received == [f"job {n}" for n in range(30)]
    left = {"visible": 0, "not_visible": 30 - deleted, "delayed": 0}
    assert 0 < left["not_visible"] < 30
    assert stack.queue_depth("PlanJobsQueue") == left


def test_an_index_query_finds_its_key_s_items_in_order_page_by_page(
    empty_careroute: LocalStack,
) -> None:
    dynamodb = empty_careroute.client("dynamodb")
    table = empty_careroute.table_name("StewardsTable")
    for steward_id, community_id in [("S3", "C1"), ("S9", "C2"), ("S1", "C1"), ("S2", "C1")]:
        item = {"steward_id": {"S": steward_id}, "community_id": {"S": community_id}}
        dynamodb.put_item(TableName=table, Item=item)

    def page(start: dict | None = None) -> dict:
        more = {"ExclusiveStartKey": start} if start else {}
        return dynamodb.query(
            TableName=table,
            IndexName="community-index",
            KeyConditionExpression="community_id = :c",
            ExpressionAttributeValues={":c": {"S": "C1"}},
            Limit=2,
            **more,
        )

    first = page()
    second = page(first["LastEvaluatedKey"])
    found = [i["steward_id"]["S"] for i in first["Items"] + second["Items"]]
    assert found == ["S1", "S2", "S3"]
    assert "LastEvaluatedKey" not in second or not page(second["LastEvaluatedKey"])["Items"]
