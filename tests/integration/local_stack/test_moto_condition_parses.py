"""The local moto server keeps a condition's parse per text, names and value types
(moto_condition_parses): a kept parse, with the same values or others, decides every item as
moto's own parse of those values does, and finds the same names and values; an expression
moto refuses is refused again each time, never kept."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.models.dynamo_type import DynamoType, Item

from careroute.adapters.dynamodb.tier_condition import placed_with_tier
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Tier
from careroute_local import moto_condition_parses

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
BETWEEN_OR_IN = "#0 BETWEEN :0 AND :1 OR NOT #1 IN (:2, :3)"
for _born, _street in (("1930-01-01", "S1"), ("1941-01-01", "S2")):  # one text, two values
    _values = {":0": _born, ":1": "1950-01-01", ":2": _street, ":3": "S3"}
    CONDITIONS.append(
        (
            BETWEEN_OR_IN,
            {"#0": "birth_date", "#1": "street_id"},
            {name: {"S": value} for name, value in _values.items()},
        )
    )
CLAIMED_STREETS = ("S1", "S2")
for _tier in Tier:  # a claimed tier's check (the steward's first outcome), two elders' values
    for _street in CLAIMED_STREETS:
        _claimed = placed_with_tier(load_policy(), _street, "D1", _tier, date(2026, 12, 9))
        CONDITIONS.append(
            (
                _claimed["ConditionExpression"],
                _claimed["ExpressionAttributeNames"],
                _claimed["ExpressionAttributeValues"],
            )
        )


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
    own = _parsed(moto_condition_parses._original_parse, expression, names, values)
    for _ in range(2):  # parsed and kept (or kept with other values before), then as kept
        assert _parsed(moto_condition_parses.parse_once, expression, names, values) == own


def test_a_condition_with_other_values_takes_the_kept_parse() -> None:
    other = {**VALUES, ":0": {"S": "S9"}, ":2": {"S": "1950-01-01"}}
    _parsed(moto_condition_parses.parse_once, ELDER_CHECK, NAMES, VALUES)
    kept = len(moto_condition_parses._parses)
    assert _parsed(moto_condition_parses.parse_once, ELDER_CHECK, NAMES, other) == _parsed(
        moto_condition_parses._original_parse, ELDER_CHECK, NAMES, other
    )
    assert len(moto_condition_parses._parses) == kept


def test_an_expression_moto_refuses_is_refused_each_time_and_not_kept() -> None:
    kept_before = len(moto_condition_parses._parses)
    for _ in range(2):
        with pytest.raises(ValueError):
            _parsed(moto_condition_parses.parse_once, "#0 = = :0", {"#0": "a"}, {":0": {"S": "x"}})
    assert len(moto_condition_parses._parses) == kept_before
