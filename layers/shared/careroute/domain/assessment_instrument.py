"""The instrument a needs assessment is scored with: the national elderly-ability assessment
standard (老年人能力评估规范, GB/T 42195-2022), as the policy's `[assessment]` table sets it.

An assessor scores four dimensions, each from 0 to its maximum: self-care (自理能力),
basic movement (基础运动能力), mental state (精神状态) and perception and social participation
(感知觉与社会参与). Their sum is the total; the total's band is the ability level (能力完好
intact, 轻度/中度/重度受损 mild/moderate/severe impairment, 完全丧失 total loss); the policy
maps each ability level to a care level (self, semi, disabled: the care subsidy, the
`disabled` category and so the tier) and says which levels qualify for a home care bed.

The defaults are this project's reading of the standard (dimension maxima 32 / 16 / 28 / 14,
total 90; bands 90, 66-89, 46-65, 30-45, 0-29): a city checks them against the text it uses,
or puts its own instrument in the policy file. Pure: no AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from careroute.domain.eligibility import CareLevel
from careroute.domain.policy_tables import (
    check_ranges,
    enum_names,
    integer_items,
    integer_table,
    setting,
    settings_table,
)


class AbilityLevel(StrEnum):
    INTACT = "intact"  # 能力完好
    MILD = "mild"  # 能力轻度受损 (轻度失能)
    MODERATE = "moderate"  # 能力中度受损 (中度失能)
    SEVERE = "severe"  # 能力重度受损 (重度失能)
    TOTAL = "total"  # 能力完全丧失 (完全失能)


ABILITY_LEVELS = tuple(AbilityLevel)
"""Best to worst."""

DEFAULT_DIMENSIONS = {
    "self_care": 32,
    "basic_movement": 16,
    "mental_state": 28,
    "perception_social": 14,
}
DEFAULT_BANDS = {
    AbilityLevel.INTACT: 90,
    AbilityLevel.MILD: 66,
    AbilityLevel.MODERATE: 46,
    AbilityLevel.SEVERE: 30,
    AbilityLevel.TOTAL: 0,
}
"""The lowest total of each ability level."""
DEFAULT_CARE_LEVELS = {
    AbilityLevel.INTACT: CareLevel.SELF_CARE,
    AbilityLevel.MILD: CareLevel.SEMI_DISABLED,
    AbilityLevel.MODERATE: CareLevel.SEMI_DISABLED,
    AbilityLevel.SEVERE: CareLevel.DISABLED,
    AbilityLevel.TOTAL: CareLevel.DISABLED,
}
DEFAULT_BED_LEVELS = (AbilityLevel.MODERATE, AbilityLevel.SEVERE, AbilityLevel.TOTAL)


@dataclass(frozen=True)
class Grade:
    """What an assessment's scores give."""

    total: int
    ability: AbilityLevel
    care_level: CareLevel
    bed_eligible: bool
    """The ability level qualifies for a home care bed (家庭养老床位) on this ground."""


@dataclass(frozen=True)
class Instrument:
    """The scoring instrument (policy `[assessment]`)."""

    dimensions: tuple[tuple[str, int], ...] = tuple(DEFAULT_DIMENSIONS.items())
    """(dimension, maximum score)."""
    bands: tuple[tuple[AbilityLevel, int], ...] = tuple(DEFAULT_BANDS.items())
    """(ability level, lowest total), best level first."""
    care_levels: tuple[tuple[AbilityLevel, CareLevel], ...] = tuple(DEFAULT_CARE_LEVELS.items())
    bed_levels: tuple[AbilityLevel, ...] = DEFAULT_BED_LEVELS
    deadline_days: int = setting(30, 1, 365)
    """A request opened through the API is due this many days later."""

    def __post_init__(self) -> None:
        check_ranges(self)
        if not self.dimensions or any(not 1 <= top <= 1000 for _, top in self.dimensions):
            raise ValueError("dimensions: at least one, each with a maximum 1..1000")
        if [level for level, _ in self.bands] != list(ABILITY_LEVELS):
            raise ValueError(f"bands: one lowest total for each of {_names(ABILITY_LEVELS)}")
        floors = [floor for _, floor in self.bands]
        if floors != sorted(floors, reverse=True) or len(set(floors)) != len(floors):
            raise ValueError("bands: lowest totals falling from intact to total")
        if floors[-1] != 0 or floors[0] > self.maximum:
            raise ValueError(f"bands: total must start at 0, intact at most {self.maximum}")
        if {level for level, _ in self.care_levels} != set(ABILITY_LEVELS):
            raise ValueError(f"care_levels: a care level for each of {_names(ABILITY_LEVELS)}")

    @property
    def maximum(self) -> int:
        return sum(top for _, top in self.dimensions)

    def problems(self, scores: Mapping[str, int]) -> list[str]:
        """Every way `scores` breaks the instrument, each naming the dimension."""
        names = [name for name, _ in self.dimensions]
        found = []
        if sorted(scores) != sorted(names):
            found.append(f"scores: need each of {', '.join(names)} exactly once")
        for name, top in self.dimensions:
            if name in scores and not 0 <= scores[name] <= top:
                found.append(f"scores.{name}: must be 0..{top}")
        return found

    def grade(self, scores: Mapping[str, int]) -> Grade:
        """The total, ability level, care level and bed eligibility of valid `scores`;
        ValueError naming every fault otherwise."""
        faults = self.problems(scores)
        if faults:
            raise ValueError("; ".join(faults))
        total = sum(scores.values())
        ability = next(level for level, floor in self.bands if total >= floor)
        return Grade(total, ability, dict(self.care_levels)[ability], ability in self.bed_levels)


def _names(levels: tuple[AbilityLevel, ...]) -> str:
    return ", ".join(level.value for level in levels)


def parse_instrument(table: Any, where: str) -> Instrument:
    """The optional `[assessment]` table; ValueError naming the key at fault."""
    parsers = {
        "dimensions": integer_items,
        "bands": _bands,
        "care_levels": _care_levels,
        "bed_levels": lambda raw, at: enum_names(raw, AbilityLevel, at),
    }
    return settings_table(Instrument(), table, where, parsers)


def _bands(raw: Any, where: str) -> tuple[tuple[AbilityLevel, int], ...]:
    floors = integer_table(raw, where)
    levels = dict(zip(enum_names(list(floors), AbilityLevel, where), floors.values(), strict=True))
    return tuple((level, levels[level]) for level in ABILITY_LEVELS if level in levels)


def _care_levels(raw: Any, where: str) -> tuple[tuple[AbilityLevel, CareLevel], ...]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table of ability level = care level")
    abilities = enum_names(list(raw), AbilityLevel, where)
    cares = enum_names(list(raw.values()), CareLevel, where)
    return tuple(zip(abilities, cares, strict=True))
