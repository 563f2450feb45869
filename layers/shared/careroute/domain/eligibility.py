"""Policy finds people (政策找人): which benefits an elder newly qualifies for on a date.

Pure: no AWS. Rules come from the optional `[benefits]` policy table:

- High-age allowance (高龄津贴): one tier per age threshold (default 80 / 90 / 100) with a
  monthly amount in yuan. Tiers replace each other, so an elder qualifies for the highest
  tier reached only (a 95-year-old qualifies for `high_age_90`, not also `high_age_80`).
- Care subsidy (护理补贴) by care level: self-care 200, semi-disabled 400, disabled 600 yuan
  a month by default. The registry records no care level, so it is derived from the
  categories: `severely_handicapped` (重残) -> "disabled" (`care_subsidy_disabled`),
  `disabled` (失能) -> "semi-disabled" (`care_subsidy_semi`). No category yields
  "self-care" (`care_subsidy_self`); its amount is kept for when the registry records a
  care level. Again only the highest level applies. A needs assessment's graded level
  (`Elder.care_level`, assessments.py) takes precedence over the categories.

An elder is notified of each rule at most once: `newly_qualifying` leaves out the rule ids
already notified, and the office ticket of a (elder, rule) has a deterministic id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from careroute.domain.policy_tables import known_table
from careroute.domain.scope_ids import elder_scope_ids
from careroute.domain.stable_ids import stable_id
from careroute.domain.tickets import Level, Ticket, TicketSla, TicketSource
from careroute.domain.vocabulary import Category, Elder, ElderStatus, FindingCategory, Severity


class CareLevel(StrEnum):
    SELF_CARE = "self"
    SEMI_DISABLED = "semi"
    DISABLED = "disabled"


CARE_LEVELS = (CareLevel.SELF_CARE, CareLevel.SEMI_DISABLED, CareLevel.DISABLED)
"""Lowest to highest."""

DEFAULT_HIGH_AGE = {80: 100, 90: 300, 100: 1000}
"""Age threshold -> monthly yuan (e.g. Dalian Xigang: 300 at 90+, 1,000 at 100+)."""
DEFAULT_CARE_SUBSIDY = {CareLevel.SELF_CARE: 200, CareLevel.SEMI_DISABLED: 400,
                        CareLevel.DISABLED: 600}  # fmt: skip


def care_level(categories: frozenset[Category]) -> CareLevel | None:
    """The care level the registry's categories imply (None: no subsidy level)."""
    if Category.SEVERELY_HANDICAPPED in categories:
        return CareLevel.DISABLED
    if Category.DISABLED in categories:
        return CareLevel.SEMI_DISABLED
    return None


@dataclass(frozen=True)
class Benefits:
    """Benefit rules (policy `[benefits]`): monthly yuan per age tier and per care level."""

    high_age: tuple[tuple[int, int], ...] = tuple(sorted(DEFAULT_HIGH_AGE.items()))
    """(minimum age, yuan) sorted by age."""
    care_subsidy: tuple[tuple[CareLevel, int], ...] = tuple(DEFAULT_CARE_SUBSIDY.items())

    def __post_init__(self) -> None:
        ages = [age for age, _ in self.high_age]
        if ages != sorted(set(ages)):
            raise ValueError("benefits.high_age: ages must be distinct and sorted")
        for _, amount in (*self.high_age, *self.care_subsidy):
            if amount < 0:
                raise ValueError("benefits: amounts must be >= 0")

    def rule_ids(self) -> list[str]:
        return list(self.amounts())

    def amounts(self) -> dict[str, int]:
        """Each rule id -> its monthly yuan (what the scan notifies an elder of)."""
        return {f"high_age_{age}": yuan for age, yuan in self.high_age} | {
            f"care_subsidy_{level.value}": yuan for level, yuan in self.care_subsidy
        }

    def qualifying(self, elder: Elder, on: date) -> list[tuple[str, int]]:
        """(rule id, monthly yuan) of every benefit the elder qualifies for on `on`."""
        found: list[tuple[str, int]] = []
        age = elder.age_on(on)
        reached = [(a, amount) for a, amount in self.high_age if age >= a]
        if reached:
            a, amount = reached[-1]
            found.append((f"high_age_{a}", amount))
        level = CareLevel(elder.care_level) if elder.care_level else care_level(elder.categories)
        amounts = dict(self.care_subsidy)
        if level is not None and level in amounts:
            found.append((f"care_subsidy_{level.value}", amounts[level]))
        return found


def newly_qualifying(
    elder: Elder, on: date, already_notified: frozenset[str] | set[str], benefits: Benefits
) -> list[tuple[str, int]]:
    """The (rule id, yuan) pairs an active elder qualifies for on `on` and was not notified of."""
    if elder.status is not ElderStatus.ACTIVE:
        return []
    return [
        (rule, yuan)
        for rule, yuan in benefits.qualifying(elder, on)
        if rule not in already_notified
    ]


def benefit_ticket_id(elder_id: str, rule_id: str) -> str:
    """Deterministic id of the office ticket for (elder, rule): the exactly-once marker."""
    return stable_id("tk-", f"benefit#{elder_id}#{rule_id}")


def office_ticket(elder: Elder, rule_id: str, yuan: int, at: datetime, sla: TicketSla) -> Ticket:
    """The ticket for the street office that approves the benefit (no visit behind it)."""
    return Ticket(
        ticket_id=benefit_ticket_id(elder.elder_id, rule_id),
        visit_id="",
        **elder_scope_ids(elder),
        category=FindingCategory.SUBSIDY_ELIGIBILITY,
        severity=Severity.NORMAL,
        opened_at=at,
        due_at=at + timedelta(hours=sla.normal_hours),
        level=Level.STREET,
        note=f"{rule_id}: {yuan} yuan/month",
        source=TicketSource.BENEFIT,
    )


def parse_benefits(table: Any, where: str) -> Benefits:
    """The optional `[benefits]` table; errors raise ValueError naming the key."""
    table = known_table(table, ("high_age", "care_subsidy"), where)
    high_age = dict(DEFAULT_HIGH_AGE)
    if "high_age" in table:
        raw = table["high_age"]
        if not isinstance(raw, dict):
            raise ValueError(f"{where}.high_age: expected a table of age = yuan")
        high_age = {}
        for key, value in raw.items():
            if not str(key).isdigit() or not 1 <= int(key) <= 130:
                raise ValueError(f"{where}.high_age.{key}: the key must be an age 1..130")
            high_age[int(key)] = _amount(value, f"{where}.high_age.{key}")
    care = dict(DEFAULT_CARE_SUBSIDY)
    if "care_subsidy" in table:
        raw = table["care_subsidy"]
        if not isinstance(raw, dict):
            raise ValueError(f"{where}.care_subsidy: expected a table of level = yuan")
        known = {level.value: level for level in CARE_LEVELS}
        for key, value in raw.items():
            if key not in known:
                raise ValueError(
                    f"{where}.care_subsidy.{key}: unknown level; known: {', '.join(known)}"
                )
            care[known[key]] = _amount(value, f"{where}.care_subsidy.{key}")
    return Benefits(
        high_age=tuple(sorted(high_age.items())),
        care_subsidy=tuple((level, care[level]) for level in CARE_LEVELS if level in care),
    )


def _amount(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise ValueError(f"{where}: expected a whole number of yuan 0..100000, got {value!r}")
    return value
