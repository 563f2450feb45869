"""The one OpenAPI document of the whole HTTP API, whichever function serves a route.

The HttpApi's routes are split over several Lambda functions, each with its own resolver;
clients see one API. `merge` joins the resolvers' documents into one (a route or a schema name
claimed twice with different content is an error, not a silent overwrite) and states the
shared error shape (careroute.entrypoints.http_errors) where powertools would describe its own.
`careroute openapi` (infra/careroute_local/openapi_build.py) builds it into `openapi.json`
beside this module, which ships in the shared layer; the ApiFunction serves that file
(`served_document`). tests/integration/test_openapi_document.py fails when it is stale.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

TITLE = "CareRoute API"
VERSION = "1"
SUMMARY = (
    "Routes and visit outcomes for stewards; coverage, registry, tickets and incidents for "
    "officials; policy for the bureau; orders, inspections, assessments and meals"
)
SECURITY_SCHEMES: dict[str, Any] = {
    "jwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
}
DOCUMENT_FILE = Path(__file__).with_name("openapi.json")
ERROR_REF = "#/components/schemas/ErrorBody"
POWERTOOLS_VALIDATION_REF = "#/components/schemas/HTTPValidationError"
POWERTOOLS_ONLY_SCHEMAS = ("HTTPValidationError", "ValidationError")
BAD_INPUT = {
    "description": "Invalid request: the message names the field and the problem",
    "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
}

NO_TOKEN = {
    "description": "No valid bearer token: API Gateway's JWT authorizer answers "
    '{"message": "Unauthorized"} before any function runs',
    "content": {
        "application/json": {
            "schema": {
                "anyOf": [
                    {"$ref": ERROR_REF},
                    {
                        "type": "object",
                        "required": ["message"],
                        "properties": {"message": {"type": "string"}},
                    },
                ]
            }
        }
    },
}


class MergeError(ValueError):
    """Two functions claim the same operation, or the same schema name for different shapes."""


def merge(documents: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One document from each function's (name -> OpenAPI dict), paths sorted."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for function, document in documents.items():
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                key = f"{method.upper()} {path}"
                if key in owner:
                    raise MergeError(f"{key} is served by both {owner[key]} and {function}")
                owner[key] = function
                paths.setdefault(path, {})[method] = _with_error_shape(operation)
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            if name in POWERTOOLS_ONLY_SCHEMAS:
                continue
            if name in schemas and schemas[name] != schema:
                raise MergeError(f"schema {name} differs between functions ({function})")
            schemas[name] = schema
    if "ErrorBody" not in schemas:
        raise MergeError(
            "no function documents ErrorBody (careroute.messages.errors.error_responses)"
        )
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "summary": SUMMARY},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": SECURITY_SCHEMES,
        },
        "security": [{"jwt": []}],
        "tags": [{"name": t} for t in sorted(_tags(paths.values()))],
    }


def _with_error_shape(operation: Mapping[str, Any]) -> dict[str, Any]:
    """Powertools documents bad input as its own 422 body, but every function answers ErrorBody;
    a 401 mostly comes from API Gateway, in its own shape."""
    fixed = copy.deepcopy(dict(operation))
    for status, response in fixed.get("responses", {}).items():
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        if status == "422" and schema.get("$ref") == POWERTOOLS_VALIDATION_REF:
            fixed["responses"][status] = copy.deepcopy(BAD_INPUT)
        if status == "401":
            fixed["responses"][status] = copy.deepcopy(NO_TOKEN)
    return fixed


def _tags(operations: Iterable[Mapping[str, Any]]) -> set[str]:
    return {tag for ops in operations for op in ops.values() for tag in op.get("tags", ())}


def render(document: Mapping[str, Any]) -> str:
    """The file's text: stable key order and line breaks, so a rebuild diffs cleanly."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


@cache
def served_document() -> str:
    """The built document (read once per container)."""
    return DOCUMENT_FILE.read_text("utf-8")
