"""The request units benchmarks/calls_per_unit.py bills each DynamoDB call: item sizes by
DynamoDB's published rules, reads per 4 KB and writes per 1 KB of the larger of the item
before and after, doubled in a transaction; what a call does not show (the replaced item, an
update's result, the whole items behind a projection) looked up with uncounted calls."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.request_units import (
    Meter,
    item_size,
    number_size,
    read_units,
    value_size,
    write_units,
)


@pytest.mark.parametrize(
    ("text", "size"),
    [("0", 2), ("7", 2), ("12", 2), ("123", 3), ("-1200", 2), ("0.0015", 2), ("123456.7", 5)],
)
def test_a_number_takes_a_byte_per_two_significant_digits_and_one(text: str, size: int) -> None:
    assert number_size(text) == size


def test_an_items_size_adds_its_names_and_values() -> None:
    """Given an item with a string, a number, a flag and a map of a list,
    then its size is each name's bytes plus each value's, a map or list 3 bytes and 1 an element."""
    item = {
        "id": {"S": "E00001"},  # 2 + 6
        "年龄": {"N": "81"},  # 6 + 2
        "alone": {"BOOL": True},  # 5 + 1
        "facts": {"M": {"ids": {"L": [{"S": "a"}, {"S": "bc"}]}}},  # 5 + 15
    }
    # the map: 3, its one element: "ids" (3) + the list + 1; the list: 3 + (1 + 1) + (2 + 1)
    assert value_size(item["facts"]) == 3 + 3 + (3 + 2 + 3) + 1
    assert item_size(item) == 8 + 8 + 6 + 20
    assert item_size(None) == 0


@pytest.mark.parametrize(
    ("size", "consistent", "transaction", "units"),
    [(0, False, False, 0.5), (4096, True, False, 1), (4097, False, False, 1.0),
     (9_600, True, False, 3), (100, True, True, 2)],
)  # fmt: skip
def test_reads_are_billed_per_4_kb(
    size: int, consistent: bool, transaction: bool, units: float
) -> None:
    assert read_units(size, consistent=consistent, transaction=transaction) == units


def test_writes_are_billed_per_kb_at_least_one() -> None:
    assert [write_units(n) for n in (0, 1024, 1025, 9_600)] == [1, 1, 2, 10]
    assert write_units(300, transaction=True) == 2


class FakeTable:
    """One table keyed by "id", answering the meter's look-ups and counting them."""

    def __init__(self, stored: dict[str, dict[str, Any]]) -> None:
        self.stored = stored
        self.lookups: list[str] = []

    def call(self, operation: str, params: dict[str, Any]) -> Any:
        self.lookups.append(operation)
        if operation == "DescribeTable":
            return {"Table": {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}
        if operation == "GetItem":
            found = self.stored.get(params["Key"]["id"]["S"])
            return {"Item": found} if found else {}
        if operation == "Query":
            assert "ProjectionExpression" not in params and "FilterExpression" not in params
            assert params["ExpressionAttributeNames"] == {"#k": "id"}
            return {"Items": list(self.stored.values())}
        raise AssertionError(operation)


def big(key: str, kb: float) -> dict[str, Any]:
    """An item of about `kb` KB: its key and a padding string."""
    return {"id": {"S": key}, "pad": {"S": "x" * int(kb * 1024 - len(key) - 5)}}


def test_a_put_pays_for_the_larger_of_the_item_it_replaces_and_the_new_one() -> None:
    table = FakeTable({"a": big("a", 2.5)})
    meter = Meter(table.call, {})
    units = meter.before("PutItem", {"TableName": "t", "Item": big("a", 0.5)})(None)
    assert units.write == 3 and units.read == 0
    assert table.lookups == ["DescribeTable", "GetItem"]


def test_an_update_pays_for_the_item_after_it_and_a_transaction_twice() -> None:
    """Given a 1.5 KB item that an update in a transaction grows to 2.5 KB, beside a condition
    check of a small item, then the update costs 2 x 3 units and the check 2 x 1."""
    table = FakeTable({"a": big("a", 1.5), "b": big("b", 0.2)})
    params = {
        "TransactItems": [
            {"Update": {"TableName": "t", "Key": {"id": {"S": "a"}}}},
            {"ConditionCheck": {"TableName": "t", "Key": {"id": {"S": "b"}}}},
        ]
    }
    after = Meter(table.call, {}).before("TransactWriteItems", params)
    table.stored["a"] = big("a", 2.5)  # the write itself
    assert after({}).write == 6 + 2


def test_a_projected_query_pays_for_the_whole_items_it_reads() -> None:
    """Given a query that projects one attribute of three 2 KB items (eventually consistent),
    then it costs the 6 KB it read: 2 blocks of 4 KB at half a unit."""
    table = FakeTable({k: big(k, 2) for k in "abc"})
    params = {
        "TableName": "t",
        "KeyConditionExpression": "#k = :k",
        "ProjectionExpression": "#p",
        "ExpressionAttributeNames": {"#k": "id", "#p": "pad"},
        "ExpressionAttributeValues": {":k": {"S": "a"}},
    }
    answer = {"Items": [{"pad": {"S": "x"}}] * 3}
    units = Meter(table.call, {}).before("Query", params)(answer)
    assert units.read == 1.0 and table.lookups == ["Query"]
    assert units.looking_up > 0
