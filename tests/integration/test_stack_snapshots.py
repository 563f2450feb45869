"""A restored snapshot is the loaded stack again: the same items, the same stream records,
empty queues — what the test fixtures rely on when they restore the small city instead of
importing it before every test (tests/conftest.py `load_city`)."""

from __future__ import annotations

from typing import Any

from careroute.domain.vocabulary import Registry
from careroute_local.pump import EventPump
from tests.conftest import city_snapshot_name, load_city


def _stack_contents(pump: EventPump) -> dict[str, Any]:
    """Every table's items (sorted), every stream's records (without sequence numbers and
    times) and every queue's depth."""
    stack = pump.stack
    dynamodb = stack.client("dynamodb")
    contents: dict[str, Any] = {}
    for logical_id, table in stack.template.tables.items():
        pages = dynamodb.get_paginator("scan").paginate(TableName=table.name, ConsistentRead=True)
        items = [item for page in pages for item in page["Items"]]
        contents[f"items:{logical_id}"] = sorted(items, key=repr)
    for logical_id in stack.stream_arns:
        contents[f"stream:{logical_id}"] = [
            (
                r["eventName"],
                r["dynamodb"]["Keys"],
                r["dynamodb"].get("NewImage"),
                r["dynamodb"].get("OldImage"),
            )
            for r in stack.stream_records(logical_id)
        ]
    for logical_id in stack.queue_urls:
        contents[f"queue:{logical_id}"] = stack.queue_depth(logical_id)
    return contents


def test_a_restored_snapshot_is_the_stack_again(
    session_pump: EventPump, small_city: Registry
) -> None:
    stack = session_pump.stack
    dynamodb = stack.client("dynamodb")
    load_city(session_pump, small_city)  # imports or restores the small city
    city = _stack_contents(session_pump)
    assert city["items:EldersTable"], "the small city's elders are in the table"

    dynamodb.put_item(TableName=_table(stack, "VisitsTable"), Item=_new_item(stack, "VisitsTable"))
    stack.snapshot("one-visit")
    saved = _stack_contents(session_pump)
    assert saved["stream:VisitsTable"], "the visit's stream record is part of the snapshot"

    dynamodb.put_item(TableName=_table(stack, "OrdersTable"), Item=_new_item(stack, "OrdersTable"))
    stack.client("sqs").send_message(
        QueueUrl=next(iter(stack.queue_urls.values())), MessageBody="{}"
    )
    assert _stack_contents(session_pump) != saved

    assert stack.restore("one-visit")
    assert _stack_contents(session_pump) == saved
    assert stack.restore(city_snapshot_name(small_city))
    assert _stack_contents(session_pump) == city


def test_a_snapshot_never_taken_changes_nothing(loaded_stack: EventPump) -> None:
    before = _stack_contents(loaded_stack)
    assert loaded_stack.stack.restore("never-taken") is False
    assert _stack_contents(loaded_stack) == before


def _table(stack: Any, logical_id: str) -> str:
    return str(stack.template.tables[logical_id].name)


def _new_item(stack: Any, logical_id: str) -> dict[str, Any]:
    """An item of only its keys, with values no test writes."""
    table = stack.template.tables[logical_id]
    types = {a["AttributeName"]: a["AttributeType"] for a in table.attribute_definitions}
    values = {"S": {"S": "snapshot-test-extra"}, "N": {"N": "-424242"}}
    return {k["AttributeName"]: values[types[k["AttributeName"]]] for k in table.key_schema}
