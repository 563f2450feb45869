"""Read a DynamoDB item request's JSON body once, instead of walking it through botocore's shapes.

moto parses every request by walking the decoded JSON through the operation's botocore input
shape: for each attribute value it tries the ten members of `AttributeValue` (S, N, B, SS, M,
L, ...). Loading a city (BatchWriteItem, 25 elders a request) spent ~40 % of the server's CPU
in that walk; a night's route writes (PutItem of a route map) pay it too.

For the item operations below the walk changes nothing that the decoded JSON does not already
say, as long as the body holds no binary value (`"B"`/`"BS"`, base64 text that the walk
decodes into bytes) and no `null` (a member the walk drops): their input shapes have no
timestamp, no floating-point number and no other blob (`tests/integration/local_stack/
test_moto_request_parse.py` checks the shapes and compares both parses on requests of every
kind the stack sends). Such a body is taken as decoded; any other request is parsed by moto.

Applied inside the local moto server process only (moto_patches.apply); handlers and the cloud
are untouched.
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.core.responses import BaseResponse
from moto.dynamodb.responses import DynamoHandler

ITEM_OPERATIONS = frozenset(
    {
        "GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "BatchWriteItem",
        "Query", "Scan", "TransactGetItems", "TransactWriteItems",
    }
)  # fmt: skip
"""The operations whose request shapes hold only strings, integers, booleans, lists, maps and
attribute values (checked by the test)."""
JSON_CONTENT_TYPE = "application/x-amz-json-1.0"
_WALK_CHANGES = re.compile(rb'"BS?"\s*:|\bnull\b')
"""A binary attribute value (decoded to bytes by the walk) or a null (dropped by it); a text
that merely looks like one only sends the request the long way."""

_original_parse_parameters = BaseResponse.parse_parameters


def decoded_as_parsed(
    operation: str | None, content_type: str, body: bytes
) -> dict[str, Any] | None:
    """The parameters of a request that the shape walk would give back unchanged, decoded
    from its JSON body; None for any request that needs the walk."""
    if operation not in ITEM_OPERATIONS or content_type != JSON_CONTENT_TYPE:
        return None
    if not body or _WALK_CHANGES.search(body):
        return None
    decoded = json.loads(body)
    return decoded if isinstance(decoded, dict) else None


def _parse_parameters(self: DynamoHandler, request: Any) -> None:
    params = decoded_as_parsed(self._get_action(), request.mimetype, request.data)
    if params is None:
        _original_parse_parameters(self, request)
    else:
        self.params = params


def apply() -> None:
    """Install the fast parse on moto's DynamoDB handler (idempotent)."""
    DynamoHandler.parse_parameters = _parse_parameters  # type: ignore[method-assign, assignment]
