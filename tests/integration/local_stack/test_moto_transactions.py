"""TransactWriteItems on the local moto server: all or nothing, without copying tables.

The local server saves only the items a transaction names (moto_patches, item 4); these
tests pin DynamoDB's semantics: a cancelled transaction writes nothing and streams nothing.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from careroute_local.stack import LocalStack


def _key(visit_id: str) -> dict[str, dict[str, str]]:
    return {"visit_id": {"S": visit_id}}


def _put(table: str, visit_id: str) -> dict:
    """A transaction item writing item `visit_id` with n = 1."""
    return {"Put": {"TableName": table, "Item": {**_key(visit_id), "n": {"N": "1"}}}}


def _increment(table: str, visit_id: str, condition: str | None = None) -> dict:
    """A transaction item adding one to item `visit_id`'s n (only if `condition` holds)."""
    update = {
        "TableName": table,
        "Key": _key(visit_id),
        "UpdateExpression": "SET n = n + :one",
        "ExpressionAttributeValues": {":one": {"N": "1"}},
    }
    if condition is not None:
        update["ConditionExpression"] = condition
    return {"Update": update}


def _stream_records(stack: LocalStack) -> list[dict]:
    streams = stack.client("dynamodbstreams")
    arn = stack.stream_arn("VisitsTable")
    records: list[dict] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records += streams.get_records(ShardIterator=iterator)["Records"]
    return records


def test_a_cancelled_transaction_writes_and_streams_nothing(empty_careroute: LocalStack) -> None:
    stack = empty_careroute
    dynamodb = stack.client("dynamodb")
    table = stack.table_name("VisitsTable")
    dynamodb.put_item(TableName=table, Item={**_key("A"), "n": {"N": "1"}})
    before = len(_stream_records(stack))
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                _put(table, "B"),
                _increment(table, "A"),
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": _key("C"),
                        "ConditionExpression": "attribute_exists(visit_id)",
                    }
                },
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert "Item" not in dynamodb.get_item(TableName=table, Key=_key("B"))
    assert dynamodb.get_item(TableName=table, Key=_key("A"))["Item"]["n"] == {"N": "1"}
    assert len(_stream_records(stack)) == before

    dynamodb.transact_write_items(
        TransactItems=[_put(table, "B"), _increment(table, "A", condition="n = :one")]
    )
    assert dynamodb.get_item(TableName=table, Key=_key("A"))["Item"]["n"] == {"N": "2"}
    assert "Item" in dynamodb.get_item(TableName=table, Key=_key("B"))
    assert len(_stream_records(stack)) == before + 2
