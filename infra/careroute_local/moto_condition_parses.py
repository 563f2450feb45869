"""Parse a DynamoDB condition expression once per text, names and value types, not per values.

moto parses a write's condition expression in Python twice per request (to validate it, then
to apply it). A visit's check of its elder takes ~0.28 ms to parse, a steward's first outcome's
check of the claimed tier (`adapters.dynamodb.tier_condition`) ~1 ms: on the emulator that is
most of what a TransactWriteItems costs beyond a PutItem. The conditions the stack sends have
one text for every elder; only their values differ (the elder's street, birth date, ...).

So a parse is kept by its expression, its names and the names and types of its values
(`PARSES_KEPT` of them), as a tree whose values are slots; a condition of that kind with other
values gets a copy with its values in the slots (only the nodes holding a slot are copied): the
same tree moto's own parse makes of them, and the same names and values found. Each tree is also
kept as sent, so a request's second parse and a repeated condition take it as it is. The first
parse of a kind is moto's own, with the request's values (so an expression moto refuses is
refused as moto refuses it, and never kept).

Applied inside the local moto server process only (moto_patches.apply); handlers and the cloud
are untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from moto.dynamodb.comparisons import (
    AttributePath,
    AttributeValue,
    ConditionExpressionParser,
    Func,
    Op,
    Operand,
)

PARSES_KEPT = 4_096
Node = Op | Func | Operand


@dataclass(frozen=True)
class Slot:
    """Where the template tree holds the value named `name` (e.g. ":0")."""

    name: str


@dataclass(frozen=True)
class KeptParse:
    """A condition's tree with its values as slots, the nodes (by `id`) with a slot at or
    below them, and the names and values it found."""

    template: Node
    holding: frozenset[int]
    names_found: tuple[str, ...]
    values_found: tuple[str, ...]


ParseKey = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, tuple[str, ...]], ...]]
_parses: dict[ParseKey, KeptParse] = {}
_trees: dict[tuple[str, str, str], tuple[Any, KeptParse]] = {}
_original_parse = ConditionExpressionParser.parse


def parse_key(parser: ConditionExpressionParser) -> ParseKey:
    """What a parse depends on: the expression, its names, and its values' names and types
    (not the values themselves, which the tree only carries)."""
    names = parser.expression_attribute_names or {}
    values = parser.expression_attribute_values or {}
    return (
        str(parser.condition_expression),
        tuple(sorted((str(name), str(held)) for name, held in names.items())),
        tuple(sorted((str(name), tuple(map(str, value))) for name, value in values.items())),
    )


def parts(node: Any) -> list[Any]:
    """The nodes right below `node` in a tree (a path's names are not nodes)."""
    if isinstance(node, (list, tuple)):
        return list(node)
    if isinstance(node, (Op, Func, Operand)) and not isinstance(node, AttributePath):
        return [
            part
            for part in vars(node).values()
            if isinstance(part, (list, tuple, Op, Func, Operand))
        ]
    return []


def holding_slots(node: Any, holding: set[int]) -> bool:
    """Does `node` hold a slot at or below it? Adds the `id` of every node that does."""
    if isinstance(node, AttributeValue):
        held = isinstance(node.value, Slot)
    else:
        held = any([holding_slots(part, holding) for part in parts(node)])
    if held:
        holding.add(id(node))
    return held


def with_values(node: Any, holding: frozenset[int], values: dict[str, dict[str, Any]]) -> Any:
    """A copy of a template tree with `values` in its slots; the parts holding no slot are
    shared (nothing in a tree changes once parsed)."""
    if id(node) not in holding:
        return node
    if isinstance(node, AttributeValue):
        return AttributeValue(values[node.value.name])
    if isinstance(node, (list, tuple)):
        return type(node)(with_values(part, holding, values) for part in node)
    copy = object.__new__(type(node))
    copy.__dict__ = {key: with_values(part, holding, values) for key, part in vars(node).items()}
    return copy


def exact_key(parser: ConditionExpressionParser) -> tuple[str, str, str]:
    """A condition as sent: its expression, names and values."""
    return (
        str(parser.condition_expression),
        json.dumps(parser.expression_attribute_names, sort_keys=True),
        json.dumps(parser.expression_attribute_values, sort_keys=True),
    )


def kept_parse(parser: ConditionExpressionParser) -> KeptParse:
    """`parser`'s condition as a tree of slots, after moto's own parse of it succeeded."""
    slots: dict[str, Any] = {
        name: {kind: Slot(name) for kind in value}
        for name, value in (parser.expression_attribute_values or {}).items()
    }  # the tree only carries a value: a slot in its place is carried alike
    template = ConditionExpressionParser(
        parser.condition_expression, parser.expression_attribute_names, slots
    )
    tree_of_slots = _original_parse(template)
    holding: set[int] = set()
    holding_slots(tree_of_slots, holding)
    return KeptParse(
        tree_of_slots,
        frozenset(holding),
        tuple(parser.expr_attr_names_found),
        tuple(parser.expr_attr_values_found),
    )


def keep(kept: dict[Any, Any], key: Any, value: Any) -> None:
    """`kept[key] = value`, forgetting all once `PARSES_KEPT` are kept."""
    if len(kept) >= PARSES_KEPT:
        kept.clear()
    kept[key] = value


def parse_once(self: ConditionExpressionParser) -> Any:
    """`ConditionExpressionParser.parse`, kept: the tree of a condition sent before as it was
    (a request's second parse, a repeated condition), else a copy of the kept tree of its
    kind (`parse_key`) with its values, else moto's own parse."""
    exact = exact_key(self)
    found = _trees.get(exact)
    if found is None:
        key = parse_key(self)
        kind = _parses.get(key)
        if kind is None:
            tree = _original_parse(self)  # the request's own values: moto's errors, as moto's
            kind = kept_parse(self)
            keep(_parses, key, kind)
            keep(_trees, exact, (tree, kind))
            return tree
        found = (
            with_values(kind.template, kind.holding, self.expression_attribute_values or {}),
            kind,
        )
        keep(_trees, exact, found)
    tree, kind = found
    self.expr_attr_names_found.extend(kind.names_found)
    self.expr_attr_values_found.extend(kind.values_found)
    return tree


def apply() -> None:
    """Install the kept parses (idempotent)."""
    ConditionExpressionParser.parse = parse_once  # type: ignore[method-assign]
