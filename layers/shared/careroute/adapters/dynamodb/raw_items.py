"""A partition's items read as DynamoDB sends them: no botocore shape walk, no pynamodb model.

A community's elders are read twice a night per community (the planner's first night and the
solver): ~120 items of ~25 attributes each. botocore checks every attribute value against
DynamoDB's AttributeValue shape and pynamodb builds a model per item; for this read those two
steps were three quarters of the client's CPU. Here a Query's items are taken from the
response's JSON as they are (binary values decoded, as botocore does), and `ItemView` reads a
column as the model's own attribute would, without building the model: text, number and
list-of-text columns (all an elder's) by a reader of their own that gives what the
attribute's `deserialize` gives, every other column by the attribute itself.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from pynamodb.attributes import Attribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.constants import BINARY, BINARY_SET, LIST, MAP, NULL, NUMBER, STRING
from pynamodb.models import Model

from careroute.adapters.dynamodb.errors import storage_errors
from careroute.adapters.dynamodb.tables import SDK_ERRORS, client_of

_TAKING_RAW: ContextVar[bool] = ContextVar("taking_raw_items", default=False)
_HOOK = "careroute-raw-query-items"


def _decoded(value: dict[str, Any]) -> dict[str, Any]:
    """A typed value from the wire as botocore parses it: binary values decoded from base64."""
    if BINARY in value:
        return {BINARY: base64.b64decode(value[BINARY])}
    if BINARY_SET in value:
        return {BINARY_SET: [base64.b64decode(b) for b in value[BINARY_SET]]}
    if LIST in value:
        return {LIST: [_decoded(v) for v in value[LIST]]}
    if MAP in value:
        return {MAP: _item(value[MAP])}
    return value


def _item(raw: dict[str, Any]) -> dict[str, Any]:
    """`raw` with its binary values decoded, in place (text and numbers, most values, as
    they are)."""
    for name, value in raw.items():
        if BINARY in value or BINARY_SET in value or LIST in value or MAP in value:
            raw[name] = _decoded(value)
    return raw


def _take_items_raw(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    """botocore's before-parse hook: while `query_items` reads, a successful answer's items and
    last key go to the parsed answer as they are, and the parser sees the rest only."""
    if not _TAKING_RAW.get() or response_dict["status_code"] != 200:
        return
    body = json.loads(response_dict["body"])
    customized_response_dict["RawItems"] = [_item(i) for i in body.pop("Items", [])]
    if "LastEvaluatedKey" in body:
        customized_response_dict["RawLastKey"] = _item(body.pop("LastEvaluatedKey"))
    response_dict["body"] = json.dumps(body).encode()


def query_items(model: type[Model], hash_key: str, action: str) -> list[dict[str, Any]]:
    """Every item of the partition `hash_key` of `model`'s table in range-key order (as
    `model.query(hash_key)` reads them, page after page), as DynamoDB's typed values."""
    client = client_of(model)
    client.meta.events.register("before-parse.dynamodb.Query", _take_items_raw, unique_id=_HOOK)
    key_name = model._hash_keyname
    request: dict[str, Any] = {
        "TableName": model.Meta.table_name,
        "KeyConditionExpression": "#k = :k",
        "ExpressionAttributeNames": {"#k": key_name},
        "ExpressionAttributeValues": {":k": {"S": hash_key}},
    }
    items: list[dict[str, Any]] = []
    taking = _TAKING_RAW.set(True)
    try:
        with storage_errors(action, caught=SDK_ERRORS):
            while True:
                answer = client.query(**request)
                items.extend(answer["RawItems"])
                if "RawLastKey" not in answer:
                    return items
                request["ExclusiveStartKey"] = answer["RawLastKey"]
    finally:
        _TAKING_RAW.reset(taking)


class ItemView:
    """A raw item's columns as attributes, each read by the model's attribute as the model
    reads it (absent or NULL: the attribute's default, else None); all read at once, as
    building the model would."""

    def __init__(self, model: type[Model], item: dict[str, Any]) -> None:
        values = self.__dict__
        for name, column, attribute, read in _columns(model):
            stored = item.get(column)
            if not stored or NULL in stored:
                default = attribute.default
                values[name] = default() if callable(default) else default
            else:
                values[name] = read(stored)

    def __getattr__(self, name: str) -> Any:  # every column is set: for the type checker
        raise AttributeError(name)


Reader = Callable[[dict[str, Any]], Any]
_MODEL_COLUMNS: dict[type[Model], list[tuple[str, str, Attribute[Any], Reader]]] = {}


def _columns(model: type[Model]) -> list[tuple[str, str, Attribute[Any], Reader]]:
    """Each attribute of `model` by name, with its column and the column's reader."""
    if model not in _MODEL_COLUMNS:
        _MODEL_COLUMNS[model] = [
            (name, attribute.attr_name, attribute, _reader(attribute))
            for name, attribute in model.get_attributes().items()
        ]
    return _MODEL_COLUMNS[model]


def _reader(attribute: Attribute[Any]) -> Reader:
    """How a stored value of `attribute` is read: what `attribute.deserialize` gives, read
    directly for text, a number (JSON, as pynamodb reads it) or a list of text; a value of
    another type than the attribute's goes to the attribute, which says so."""

    def by_attribute(stored: dict[str, Any]) -> Any:
        return attribute.deserialize(attribute.get_value(stored))

    def text(stored: dict[str, Any]) -> Any:
        return stored[STRING] if STRING in stored else by_attribute(stored)

    def number(stored: dict[str, Any]) -> Any:
        return json.loads(stored[NUMBER]) if NUMBER in stored else by_attribute(stored)

    def texts(stored: dict[str, Any]) -> Any:
        values = stored.get(LIST)
        if values is None or not all(STRING in v or NULL in v for v in values):
            return by_attribute(stored)
        return [None if NULL in v else v[STRING] for v in values]

    kind = type(attribute)
    if kind is UnicodeAttribute:
        return text
    if kind is NumberAttribute:
        return number
    if isinstance(attribute, ListAttribute) and kind is ListAttribute:
        return texts if attribute.element_type is UnicodeAttribute else by_attribute
    return by_attribute
