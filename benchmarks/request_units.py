"""DynamoDB's on-demand request units for one call, from the sizes of the items it touches.

DynamoDB bills reads per 4 KB of item (a strongly consistent read one unit, an eventually
consistent one half, a transaction's read two; a Query or Scan adds up the items it reads
before rounding) and writes per 1 KB of the larger of the item before and after the write (a
transaction's write two units), at least one unit per item, whether or not a condition held.
A call shows only part of that: the items a Put sends, a Get returns. The rest (the item a
write replaces, an update's result, the whole items behind a projection, a filter or a count)
`Meter` looks up with calls of its own through the uncounted client call it is given, and
reports the time they took so the benchmark can leave it out of the handler's time.

Item sizes follow DynamoDB's published rules: a name's and a string's UTF-8 bytes, a number
one byte per two significant digits plus one, a list or map 3 bytes plus one per element.
Used by benchmarks/calls_per_unit.py.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

READ_BLOCK = 4096
WRITE_BLOCK = 1024

Call = Callable[[str, dict[str, Any]], Any]
"""An uncounted call on the same client: (operation name, parameters) -> the answer."""


def number_size(text: str) -> int:
    digits = text.lstrip("+-").replace(".", "").split("e")[0].split("E")[0]
    significant = digits.strip("0") or "0"
    return math.ceil(len(significant) / 2) + 1


def value_size(value: Mapping[str, Any]) -> int:
    """The bytes of one attribute value in DynamoDB's typed form ({"S": ...}, {"M": ...})."""
    ((kind, content),) = value.items()
    if kind == "S":
        return len(str(content).encode())
    if kind == "N":
        return number_size(str(content))
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in content)
    if kind == "NS":
        return sum(number_size(n) for n in content)
    if kind == "BS":
        return sum(len(b) for b in content)
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in content)
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in content.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: Mapping[str, Mapping[str, Any]] | None) -> int:
    """An item's bytes (0 for no item): its attributes' names and values."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def read_units(size: int, *, consistent: bool, transaction: bool = False) -> float:
    blocks = max(1, math.ceil(size / READ_BLOCK))
    return blocks * (2 if transaction else 1 if consistent else 0.5)


def write_units(size: int, *, transaction: bool = False) -> int:
    return max(1, math.ceil(size / WRITE_BLOCK)) * (2 if transaction else 1)


@dataclass
class Write:
    """One item a call writes (or checks): its table and key, and what is sent for it."""

    table: str
    key: dict[str, Any]
    kind: str  # put, update, delete or check
    item: dict[str, Any] | None = None  # a put's new item


@dataclass
class Units:
    read: float = 0.0
    write: float = 0.0
    looking_up: float = 0.0  # seconds the meter's own calls took


_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


class Meter:
    """The request units of one DynamoDB call, looked up through `call` (one meter a call:
    the handlers' threads each meter their own); `key_schemas` is shared between meters."""

    def __init__(self, call: Call, key_schemas: dict[str, list[str]]) -> None:
        self._call = call
        self._keys = key_schemas
        self._spent = 0.0

    def before(self, operation: str, params: Mapping[str, Any]) -> Callable[[Any], Units]:
        """Read what a call is about to change; the returned function, given the call's
        answer (None when it raised), gives its units."""
        writes = list(self._writes(operation, params))
        sizes_before = [self._stored_size(w.table, w.key) for w in writes]
        transaction = operation == "TransactWriteItems"

        def after(response: Any) -> Units:
            units = Units()
            for write, old in zip(writes, sizes_before, strict=True):
                new = old
                if write.kind == "put":
                    new = item_size(write.item)
                elif write.kind == "update":
                    new = self._stored_size(write.table, write.key)
                units.write += write_units(max(old, new), transaction=transaction)
            if response is not None:
                units.read = self._reads(operation, params, response)
            units.looking_up = self._spent
            return units

        return after

    def _lookup(self, operation: str, params: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return self._call(operation, params)
        finally:
            self._spent += time.perf_counter() - started

    def _stored_size(self, table: str, key: dict[str, Any]) -> int:
        answer = self._lookup("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
        return item_size(answer.get("Item"))

    def _key_of(self, table: str, item: Mapping[str, Any]) -> dict[str, Any]:
        if table not in self._keys:
            schema = self._lookup("DescribeTable", {"TableName": table})["Table"]["KeySchema"]
            self._keys[table] = [k["AttributeName"] for k in schema]
        return {name: item[name] for name in self._keys[table]}

    def _writes(self, operation: str, params: Mapping[str, Any]) -> Iterator[Write]:
        if operation == "PutItem":
            table = params["TableName"]
            yield Write(table, self._key_of(table, params["Item"]), "put", params["Item"])
        elif operation in ("UpdateItem", "DeleteItem"):
            yield Write(params["TableName"], params["Key"], operation[:6].lower())
        elif operation == "BatchWriteItem":
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    if "PutRequest" in request:
                        item = request["PutRequest"]["Item"]
                        yield Write(table, self._key_of(table, item), "put", item)
                    else:
                        yield Write(table, request["DeleteRequest"]["Key"], "delete")
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                ((kind, body),) = entry.items()
                table = body["TableName"]
                if kind == "Put":
                    yield Write(table, self._key_of(table, body["Item"]), "put", body["Item"])
                else:
                    yield Write(
                        table, body["Key"], {"ConditionCheck": "check"}.get(kind, kind.lower())
                    )

    def _reads(self, operation: str, params: Mapping[str, Any], response: Any) -> float:
        if operation == "GetItem":
            full = response.get("Item")
            if "ProjectionExpression" in params or "AttributesToGet" in params:
                full = self._lookup(
                    "GetItem", {"TableName": params["TableName"], "Key": params["Key"]}
                ).get("Item")
            return read_units(item_size(full), consistent=bool(params.get("ConsistentRead")))
        if operation in ("BatchGetItem", "TransactGetItems"):
            return sum(
                read_units(
                    self._stored_size(table, key),
                    consistent=consistent,
                    transaction=operation == "TransactGetItems",
                )
                for table, key, consistent in _keys_read(operation, params)
            )
        if operation in ("Query", "Scan"):
            items = returned_items(response)
            if any(k in params for k in ("ProjectionExpression", "FilterExpression", "Select")):
                items = self._lookup(operation, _whole_items(params)).get("Items", [])
            size = sum(item_size(item) for item in items)
            return read_units(size, consistent=bool(params.get("ConsistentRead")))
        return 0.0


def returned_items(response: Mapping[str, Any]) -> list[Any]:
    """A Query's or Scan's items; "RawItems" where the adapter took them from the response
    unparsed (`adapters.dynamodb.raw_items`)."""
    return list(response.get("Items", response.get("RawItems", [])))


def _keys_read(operation: str, params: Mapping[str, Any]) -> Iterator[tuple[str, Any, bool]]:
    if operation == "TransactGetItems":
        for entry in params["TransactItems"]:
            yield entry["Get"]["TableName"], entry["Get"]["Key"], True
        return
    for table, asked in params["RequestItems"].items():
        for key in asked["Keys"]:
            yield table, key, bool(asked.get("ConsistentRead"))


def _whole_items(params: Mapping[str, Any]) -> dict[str, Any]:
    """A Query's or Scan's parameters reading what it reads, whole: no projection, filter or
    count, and only the names and values its key condition uses."""
    dropped = ("ProjectionExpression", "FilterExpression", "Select", "AttributesToGet")
    plain = {k: v for k, v in params.items() if k not in dropped}
    used = set(_PLACEHOLDER.findall(params.get("KeyConditionExpression", "")))
    for field in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
        if field in plain:
            kept = {k: v for k, v in plain[field].items() if k in used}
            if kept:
                plain[field] = kept
            else:
                del plain[field]
    return plain
