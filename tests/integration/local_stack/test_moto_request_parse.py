"""The local moto server takes an item request's JSON as decoded (moto_request_parse): the
parameters are the ones moto's walk through botocore's shapes gives, for requests of every kind
the stack sends (serialised by botocore as a client sends them); a request the walk would change
(binary values, nulls) or any other operation is left to moto."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import OperationModel, Shape
from botocore.serialize import create_serializer
from moto.core.parse import JSONParser
from moto.core.utils import get_service_model

from careroute_local.moto_request_parse import ITEM_OPERATIONS, JSON_CONTENT_TYPE, decoded_as_parsed

TABLE = "careroute-local-elders"
ELDER = {
    "community_id": {"S": "C0001"},
    "elder_id": {"S": "E000001"},
    "birth_date": {"S": "1940-03-01"},
    "categories": {"L": [{"S": "alone"}, {"S": "disabled"}]},
    "window": {"M": {"start": {"S": "09:00"}, "end": {"S": "11:30"}}},
    "lat": {"N": "41.7968"},
    "tags": {"SS": ["a", "b"]},
    "counts": {"NS": ["1", "2.5"]},
    "hospitalised": {"BOOL": False},
    "notes": {"NULL": True},
    "stops": {"L": [{"M": {"seq": {"N": "1"}, "eta": {"S": "09:10"}}}]},
    "text_like_json": {"S": 'a "Bee": name, nullable'},
}
KEY = {"community_id": {"S": "C0001"}, "elder_id": {"S": "E000001"}}
CONDITION = {
    "ConditionExpression": "attribute_not_exists (#0) AND #1 = :0",
    "ExpressionAttributeNames": {"#0": "visit_id", "#1": "street_id"},
    "ExpressionAttributeValues": {":0": {"S": "S1"}},
}
REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("PutItem", {"TableName": TABLE, "Item": ELDER, **CONDITION, "ReturnValues": "NONE"}),
    ("GetItem", {"TableName": TABLE, "Key": KEY, "ConsistentRead": True}),
    (
        "UpdateItem",
        {
            "TableName": TABLE,
            "Key": KEY,
            "UpdateExpression": "SET #0 = :0 ADD #1 :1",
            "ExpressionAttributeNames": {"#0": "last_visited_on", "#1": "visits"},
            "ExpressionAttributeValues": {":0": {"S": "2026-12-07"}, ":1": {"N": "1"}},
            "ConditionExpression": "attribute_exists (community_id)",
            "ReturnValues": "ALL_NEW",
        },
    ),
    ("DeleteItem", {"TableName": TABLE, "Key": KEY, "ReturnValues": "ALL_OLD"}),
    (
        "BatchWriteItem",
        {
            "RequestItems": {
                TABLE: [{"PutRequest": {"Item": ELDER}}, {"DeleteRequest": {"Key": KEY}}],
                "careroute-local-stewards": [{"PutRequest": {"Item": {"steward_id": {"S": "W1"}}}}],
            },
            "ReturnConsumedCapacity": "TOTAL",
        },
    ),
    (
        "BatchGetItem",
        {
            "RequestItems": {
                TABLE: {
                    "Keys": [KEY],
                    "ConsistentRead": True,
                    "ProjectionExpression": "#0",
                    "ExpressionAttributeNames": {"#0": "elder_id"},
                }
            }
        },
    ),
    (
        "Query",
        {
            "TableName": TABLE,
            "IndexName": "community-index",
            "KeyConditionExpression": "#0 = :0 AND begins_with (#1, :1)",
            "ExpressionAttributeNames": {"#0": "community_id", "#1": "elder_id"},
            "ExpressionAttributeValues": {":0": {"S": "C0001"}, ":1": {"S": "E"}},
            "ExclusiveStartKey": KEY,
            "Limit": 100,
            "ScanIndexForward": False,
            "Select": "ALL_ATTRIBUTES",
        },
    ),
    (
        "Scan",
        {
            "TableName": TABLE,
            "Segment": 1,
            "TotalSegments": 4,
            "Limit": 7,
            "ExclusiveStartKey": KEY,
        },
    ),
    (
        "TransactWriteItems",
        {
            "TransactItems": [
                {"ConditionCheck": {"TableName": TABLE, "Key": KEY, **CONDITION}},
                {"Put": {"TableName": "careroute-local-visits", "Item": ELDER, **CONDITION}},
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": KEY,
                        "UpdateExpression": "REMOVE #0",
                        "ExpressionAttributeNames": {"#0": "notes"},
                    }
                },
                {"Delete": {"TableName": TABLE, "Key": KEY}},
            ],
            "ClientRequestToken": "token-1",
        },
    ),
    ("TransactGetItems", {"TransactItems": [{"Get": {"TableName": TABLE, "Key": KEY}}]}),
]


def _operation(name: str) -> OperationModel:
    return get_service_model("dynamodb").operation_model(name)


def _body(operation: str, params: dict[str, Any]) -> bytes:
    """The request body botocore sends for `params` (what a client's call puts on the wire)."""
    request = create_serializer("json").serialize_to_request(params, _operation(operation))
    body: bytes = request["body"]
    return body


def _moto_parse(operation: str, body: bytes) -> dict[str, Any]:
    """moto's own parse: the JSON walked through the operation's input shape."""
    parser = JSONParser(_operation(operation), map_type=dict)
    request = {"method": "POST", "values": {}, "headers": {}, "body": body, "url_path": "/",
               "url_params": {}}  # fmt: skip
    parsed: dict[str, Any] = parser.parse(request)
    return parsed


@pytest.mark.parametrize(("operation", "params"), REQUESTS, ids=[r[0] for r in REQUESTS])
def test_a_request_is_decoded_to_the_parameters_moto_s_walk_gives(
    operation: str, params: dict[str, Any]
) -> None:
    body = _body(operation, params)
    decoded = decoded_as_parsed(operation, JSON_CONTENT_TYPE, body)
    assert decoded is not None, "a request without binary values takes the fast parse"
    assert decoded == _moto_parse(operation, body) == params


def test_every_item_operation_is_compared() -> None:
    assert {operation for operation, _ in REQUESTS} == ITEM_OPERATIONS


def _leaf_types(shape: Shape, path: str, seen: set[str]) -> set[tuple[str, str]]:
    """(type, member path) of every non-container shape reachable from `shape`."""
    if shape.name in seen:
        return set()
    seen = seen | {shape.name}
    if shape.type_name == "structure":
        members = shape.members.items()  # type: ignore[attr-defined]
        return {leaf for n, s in members for leaf in _leaf_types(s, f"{path}.{n}", seen)}
    if shape.type_name == "list":
        return _leaf_types(shape.member, f"{path}[]", seen)  # type: ignore[attr-defined]
    if shape.type_name == "map":
        return _leaf_types(shape.value, f"{path}{{}}", seen)  # type: ignore[attr-defined]
    return {(shape.type_name, path)}


@pytest.mark.parametrize("operation", sorted(ITEM_OPERATIONS))
def test_the_walk_changes_only_binary_values_in_an_item_operation(operation: str) -> None:
    """The walk turns base64 text into bytes for blobs and parses timestamps and floats: in
    these operations the only such members are an attribute value's B and BS."""
    shape = _operation(operation).input_shape
    assert shape is not None
    leaves = _leaf_types(shape, operation, set())
    changed = {
        path for kind, path in leaves if kind not in {"string", "integer", "long", "boolean"}
    }
    assert changed, "attribute values carry binary members"
    assert {path.rsplit(".", 1)[-1].rstrip("[]") for path in changed} <= {"B", "BS"}


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("PutItem", {"TableName": TABLE, "Item": {**ELDER, "photo": {"B": b"\x00\x01"}}}),
        ("PutItem", {"TableName": TABLE, "Item": {**ELDER, "keys": {"BS": [b"\x02"]}}}),
    ],
)
def test_a_request_with_binary_values_is_left_to_moto(
    operation: str, params: dict[str, Any]
) -> None:
    assert decoded_as_parsed(operation, JSON_CONTENT_TYPE, _body(operation, params)) is None


def test_other_operations_and_other_bodies_are_left_to_moto() -> None:
    body = _body("GetItem", {"TableName": TABLE, "Key": KEY})
    assert decoded_as_parsed("CreateTable", JSON_CONTENT_TYPE, b'{"TableName": "t"}') is None
    assert decoded_as_parsed("GetItem", "application/cbor", body) is None
    assert decoded_as_parsed("GetItem", JSON_CONTENT_TYPE, b"") is None
    assert decoded_as_parsed("GetItem", JSON_CONTENT_TYPE, b'{"TableName": null}') is None
