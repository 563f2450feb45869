"""An institution's star rating (养老机构星级), computed from its latest inspection result.

The rubric is the policy's (`[inspections.rating]`): each checklist item of an institution
inspection is weighted, the weighted scores give a share of the full score, and the rating is
the most stars whose threshold that share reaches. Two caps follow the way star ratings are
awarded: a result that left rectification items rates at most `with_rectification_max` stars,
and an item at or below its veto score (单项否决, e.g. fire safety) rates one star whatever
the rest. An institution never inspected is not rated (0 stars).

Nothing stores a rating: it is a function of the stored scores, so it follows every new
result and can be recomputed from the raw result records. Pure: no AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from careroute.domain.policy_tables import check_ranges, integer_items, setting, settings_table

INSTITUTION_ITEMS = ("fire_safety", "hygiene", "care_quality", "staffing", "records")
"""The checklist of an institution inspection (inspections.CHECKLIST), each scored 0..5."""
ITEM_MAX = 5
NOT_RATED = 0

DEFAULT_WEIGHTS = {"fire_safety": 3, "hygiene": 2, "care_quality": 3, "staffing": 1, "records": 1}
DEFAULT_THRESHOLDS = (0.0, 0.5, 0.65, 0.8, 0.9)
"""The weighted share needed for 1, 2, 3, 4 and 5 stars."""
DEFAULT_VETO = {"fire_safety": 1}


@dataclass(frozen=True)
class RatingRubric:
    """How stars follow from an institution inspection (policy `[inspections.rating]`)."""

    weights: tuple[tuple[str, int], ...] = tuple(DEFAULT_WEIGHTS.items())
    thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS
    with_rectification_max: int = setting(3, 1, 5)
    veto: tuple[tuple[str, int], ...] = tuple(DEFAULT_VETO.items())
    """(item, score): an item scored at or below this rates one star."""

    def __post_init__(self) -> None:
        named = [item for item, _ in self.weights]
        if sorted(named) != sorted(INSTITUTION_ITEMS):
            raise ValueError(f"weights: need each of {', '.join(INSTITUTION_ITEMS)} exactly once")
        if any(not 0 <= weight <= 100 for _, weight in self.weights) or not any(
            weight for _, weight in self.weights
        ):
            raise ValueError("weights: each 0..100, not all 0")
        shares = list(self.thresholds)
        if len(shares) != 5 or shares != sorted(shares) or not all(0 <= s <= 1 for s in shares):
            raise ValueError("thresholds: five shares 0..1 for 1..5 stars, rising")
        check_ranges(self)
        for item, score in self.veto:
            if item not in INSTITUTION_ITEMS or not 0 <= score < ITEM_MAX:
                raise ValueError(f"veto.{item}: a checklist item and a score 0..{ITEM_MAX - 1}")

    def share(self, scores: Mapping[str, int]) -> float:
        """The weighted share of the full score (0..1) of a complete set of item scores."""
        total = sum(weight for _, weight in self.weights)
        return sum(weight * scores[item] for item, weight in self.weights) / (ITEM_MAX * total)

    def stars(self, scores: Mapping[str, int], rectifications: int) -> int:
        """The rating of an institution whose latest inspection gave `scores` and left
        `rectifications` items to put right; NOT_RATED without scores."""
        if not scores:
            return NOT_RATED
        if any(scores[item] <= floor for item, floor in self.veto):
            return 1
        share = self.share(scores)
        stars = sum(1 for needed in self.thresholds if share >= needed - 1e-9)
        if rectifications:
            stars = min(stars, self.with_rectification_max)
        return max(stars, 1)


def parse_rating(table: Any, where: str) -> RatingRubric:
    """The optional `[inspections.rating]` table; ValueError naming the key at fault."""
    parsers = {"weights": integer_items, "veto": integer_items, "thresholds": _shares}
    return settings_table(RatingRubric(), table, where, parsers)


def _shares(raw: Any, where: str) -> tuple[float, ...]:
    if not isinstance(raw, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in raw
    ):
        raise ValueError(f"{where}: expected a list of five shares")
    return tuple(float(v) for v in raw)
