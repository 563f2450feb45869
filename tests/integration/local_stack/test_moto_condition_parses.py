"""The local moto server keeps a condition's parse (moto_patches, item 11): a kept parse
decides every item as moto's own parse does, and finds the same names and values; an
expression moto refuses is refused again each time, never kept."""

from __future__ import annotations

from typing import Any

import pytest
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.models.dynamo_type import DynamoType, Item

from careroute_local import moto_patches

ELDER_CHECK = "(((#0 = :0 AND #1 = :1) AND #2 = :2) AND #3 = :3) AND attribute_not_exists (#4)"
NAMES = {"#0": "street_id", "#1": "district_id", "#2": "birth_date", "#3": "categories",
         "#4": "urgent_until"}  # fmt: skip
VALUES: dict[str, dict[str, Any]] = {
    ":0": {"S": "S1"},
    ":1": {"S": "D1"},
    ":2": {"S": "1940-03-01"},
    ":3": {"L": [{"S": "alone"}, {"S": "disabled"}]},
}
AS_CHECKED = {"street_id": {"S": "S1"}, "district_id": {"S": "D1"},
              "birth_date": {"S": "1940-03-01"},
              "categories": {"L": [{"S": "alone"}, {"S": "disabled"}]}}  # fmt: skip
ITEMS = [
    AS_CHECKED,
    {**AS_CHECKED, "urgent_until": {"S": "2026-12-31"}},
    {**AS_CHECKED, "street_id": {"S": "S2"}},
    {**AS_CHECKED, "categories": {"L": [{"S": "alone"}]}},
    {},
]
CONDITIONS: list[tuple[str | None, dict[str, str], dict[str, dict[str, Any]]]] = [
    (ELDER_CHECK, NAMES, VALUES),
    (ELDER_CHECK, NAMES, {**VALUES, ":0": {"S": "S2"}}),  # same text, other values
    ("attribute_not_exists (#0)", {"#0": "visit_id"}, {}),
    (
        "begins_with(#0, :0) OR NOT #1 IN (:1, :2)",
        {"#0": "street_id", "#1": "district_id"},
        {":0": {"S": "S2"}, ":1": {"S": "D1"}, ":2": {"S": "D2"}},
    ),
    (None, {}, {}),
]


def _decisions(tree: Any) -> list[bool]:
    items = [Item(DynamoType({"S": "C1"}), DynamoType({"S": "E1"}), i) for i in ITEMS]
    return [bool(tree.expr(item)) for item in items]


def _parsed(
    parse: Any, expression: str | None, names: dict[str, str], values: dict[str, Any]
) -> tuple[list[bool], list[str], list[str]]:
    parser = ConditionExpressionParser(expression, names, values)
    tree = parse(parser)
    return _decisions(tree), parser.expr_attr_names_found, parser.expr_attr_values_found


@pytest.mark.parametrize(("expression", "names", "values"), CONDITIONS)
def test_a_kept_parse_decides_and_finds_what_moto_s_own_parse_does(
    expression: str | None, names: dict[str, str], values: dict[str, Any]
) -> None:
    own = _parsed(moto_patches._original_parse, expression, names, values)
    for _ in range(2):  # parsed and kept, then taken as kept
        assert _parsed(moto_patches._parse_once, expression, names, values) == own


def test_an_expression_moto_refuses_is_refused_each_time_and_not_kept() -> None:
    kept_before = len(moto_patches._parses)
    for _ in range(2):
        with pytest.raises(ValueError):
            _parsed(moto_patches._parse_once, "#0 = = :0", {"#0": "a"}, {":0": {"S": "x"}})
    assert len(moto_patches._parses) == kept_before
