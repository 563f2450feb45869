"""The condition that a stored elder has a given tier on a day, as DynamoDB evaluates it on
the elder item: the policy's tier rules (`Policy.tier_of`) written as a condition
expression, so that a visit recorded from its stop's reference (`planning.stop_ref`: a
claimed tier, no facts) is stored only when the elder's stored facts give that tier.

`Policy.tier_of` on an elder: an open urgent date means T1; else the first tier (T1, T2, T3)
with a matching rule; else T3. A rule matches when the elder has all of `all_of`, one of
`any_of` (if any) and is at least `min_age` on the day. On the item: the categories are a
list (`contains` tests a member), the birth and urgent dates ISO text, so "at least m years
old on D" is `birth_date <= (D.year - m)-MM-DD` (as `Elder.age_on` counts, 29 February
included) and "urgent on D" is `urgent_until >= D` (false when there is none)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from careroute.adapters.dynamodb.registry import ElderModel
from careroute.domain.policy import Policy, TierRule
from careroute.domain.vocabulary import Tier

TIER_ORDER = (Tier.T1, Tier.T2, Tier.T3)
"""The order `Policy.tier_of` tries the tiers in; the last is also what no rule gives."""


@dataclass
class Expression:
    """A condition expression being built: its values get placeholders as they are used."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def value(self, typed: dict[str, Any]) -> str:
        for name, held in self.values.items():
            if held == typed:
                return name
        name = f":t{len(self.values)}"
        self.values[name] = typed
        return name

    def rule(self, rule: TierRule, day: date) -> str | None:
        """The rule as a condition; None when it holds for every elder (no clause)."""
        clauses = [f"contains (#cat, {self.value({'S': c.value})})" for c in sorted(rule.all_of)]
        if rule.any_of:
            members = [
                f"contains (#cat, {self.value({'S': c.value})})" for c in sorted(rule.any_of)
            ]
            clauses.append("(" + " OR ".join(members) + ")")
        if rule.min_age is not None:
            born_by = f"{day.year - rule.min_age:04d}-{day:%m-%d}"
            clauses.append(f"#born <= {self.value({'S': born_by})}")
        return " AND ".join(clauses) if clauses else None

    def any_rule(self, rules: tuple[TierRule, ...], day: date) -> str | None:
        """Any of the rules, as a condition: None when one holds for every elder, "" when
        there are none (no elder matches)."""
        conditions = [self.rule(rule, day) for rule in rules]
        if any(condition is None for condition in conditions):
            return None
        return " OR ".join(f"({condition})" for condition in conditions if condition)


def tier_clauses(policy: Policy, tier: Tier, day: date, expression: Expression) -> list[str] | None:
    """The clauses (all must hold) that the elder item's tier on `day` under `policy` is
    `tier`: none when every elder has it, None when no elder can."""
    urgent = f"#urgent >= {expression.value({'S': day.isoformat()})}"
    clauses = [] if tier is TIER_ORDER[0] else [f"NOT ({urgent})"]
    for earlier in TIER_ORDER[: TIER_ORDER.index(tier)]:
        matches = expression.any_rule(policy.tiers[earlier].rules, day)
        if matches is None:
            return None  # every elder has the earlier tier
        if matches:
            clauses.append(f"NOT ({matches})")
    if tier is TIER_ORDER[-1]:
        return clauses  # the last tier is also what no rule gives
    matches = expression.any_rule(policy.tiers[tier].rules, day)
    if tier is TIER_ORDER[0]:  # urgent, or one of its rules
        if matches is None:
            return []
        return [f"({urgent} OR {matches})" if matches else f"({urgent})"]
    if matches == "":
        return None
    return clauses if matches is None else [*clauses, f"({matches})"]


ATTRIBUTES = {
    "#street": ElderModel.street_id.attr_name,
    "#district": ElderModel.district_id.attr_name,
    "#cat": ElderModel.categories.attr_name,
    "#born": ElderModel.birth_date.attr_name,
    "#urgent": ElderModel.urgent_until.attr_name,
}


def placed_with_tier(
    policy: Policy, street_id: str, district_id: str, tier: Tier, day: date
) -> dict[str, Any]:
    """The condition (expression, names, values) that the elder item is stored, in street
    `street_id` and district `district_id`, with tier `tier` on `day` under `policy` (one
    that no item meets when no elder can have that tier)."""
    expression = Expression()
    clauses = tier_clauses(policy, tier, day, expression)
    if clauses is None:
        clauses = ["attribute_not_exists (#street)"]  # beside `#street = ...`: never
    text = " AND ".join(
        [
            f"#street = {expression.value({'S': street_id})}",
            f"#district = {expression.value({'S': district_id})}",
            *clauses,
        ]
    )
    return {
        "ConditionExpression": text,
        "ExpressionAttributeNames": {n: a for n, a in ATTRIBUTES.items() if n in text},
        "ExpressionAttributeValues": {
            n: v for n, v in expression.values.items() if re.search(rf"{n}\b", text)
        },
    }
