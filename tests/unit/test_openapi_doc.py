"""Merging the API functions' OpenAPI documents into the one the API serves."""

from __future__ import annotations

from typing import Any

import pytest

from careroute.entrypoints.openapi_doc import ERROR_REF, MergeError, merge

ERROR_BODY = {"type": "object", "required": ["error"], "properties": {"error": {}}}


def document(path: str, method: str = "get", **schemas: Any) -> dict[str, Any]:
    responses = {
        "200": {"description": "ok"},
        "401": {"description": "no token", "content": {"application/json": {"schema": {}}}},
        "422": {
            "description": "Validation Error",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}
            },
        },
    }
    operation = {"tags": [path.strip("/").split("/")[0]], "responses": responses}
    return {
        "paths": {path: {method: operation}},
        "components": {"schemas": {"ErrorBody": ERROR_BODY, "HTTPValidationError": {}, **schemas}},
    }


def test_every_functions_paths_end_up_in_one_document_sorted_with_their_tags() -> None:
    merged = merge({"B": document("/orders"), "A": document("/coverage")})
    assert list(merged["paths"]) == ["/coverage", "/orders"]
    assert [t["name"] for t in merged["tags"]] == ["coverage", "orders"]
    assert merged["security"] == [{"jwt": []}]


def test_bad_input_is_documented_as_the_shared_error_body_not_powertools_own() -> None:
    merged = merge({"A": document("/coverage")})
    responses = merged["paths"]["/coverage"]["get"]["responses"]
    assert responses["422"]["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}
    assert "HTTPValidationError" not in merged["components"]["schemas"]
    no_token = responses["401"]["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": ERROR_REF} in no_token and len(no_token) == 2


def test_one_operation_served_by_two_functions_is_refused_naming_both() -> None:
    with pytest.raises(MergeError, match="GET /orders is served by both A and B"):
        merge({"A": document("/orders"), "B": document("/orders")})


def test_the_same_path_with_different_methods_from_two_functions_is_fine() -> None:
    merged = merge({"A": document("/orders", "get"), "B": document("/orders", "post")})
    assert set(merged["paths"]["/orders"]) == {"get", "post"}


def test_a_schema_name_used_for_two_shapes_is_refused() -> None:
    with pytest.raises(MergeError, match="schema Visit differs"):
        merge({"A": document("/a", Visit={"type": "object"}), "B": document("/b", Visit={})})
