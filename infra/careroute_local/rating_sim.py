"""The month simulation's institution ratings: an institution's stars follow its latest
inspection (`[inspections.rating]`), so where the month's inspections run (the stack
engine: inspection_sim.InspectionDays posts each day's results over the API; the memory
engine's month: inspection_sim.MemoryInspectionDays records them through the same use cases
on the memory adapters) the month's ratings are read at its end as officials read them
(`GET /institutions`, the `institutions` use case) and set beside the ratings the
institutions had when the month started (the synthetic targets the stack loaded,
`careroute_synthetic.inspections`, the city seed). With no inspection run the report says so.

`rows` keeps each institution's latest scores and items left with its stars, the raw
record `--check` recomputes every rating from with the rubric.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from careroute_synthetic.inspections import generate_inspections

from careroute.domain.inspections import InspectionTarget, TargetKind
from careroute.service_layer.inspections import Inspecting
from careroute.service_layer.institutions import institutions
from careroute_local.sim_city import CITY_ADMIN, SimMonth

NOT_INSPECTED = "no inspection ran in this month"


class InstitutionRatings:
    """Institutions' ratings at the month's end against its start, where inspected."""

    def __init__(self, month: SimMonth, inspected: bool, ports: Inspecting | None = None) -> None:
        """`ports`: where the month's inspections were recorded (the memory adapters), or
        None for the running stack's."""
        policy = month.policy
        self.rubric = policy.inspections.rating
        self.inspected, self.ports = inspected, ports
        self.before: dict[str, int] = {}
        """Each institution's stars when the month started."""
        if inspected:
            world = generate_inspections(
                month.city_seed, month.city.communities, as_of=month.first - timedelta(days=1),
                policy=policy.inspections,
            )  # fmt: skip
            self.before = {
                t.target_id: t.stars(self.rubric)
                for t in world.targets
                if t.kind is TargetKind.INSTITUTION
            }
        self.rows: list[dict[str, Any]] = []

    def figures(self, month: str, today: date) -> dict[str, Any]:
        """The month's ratings, read from `ports`, or else from the engine's stack (imported
        here: the DynamoDB adapters are bound to the running stack)."""
        if not self.inspected:
            return {"simulated": False, "why": NOT_INSPECTED}
        if self.ports is not None:
            return self.figures_from(self.ports, month, today)
        from careroute.adapters.dynamodb.inspection_repositories import inspecting

        return self.figures_from(inspecting(), month, today)

    def figures_from(self, ports: Inspecting, month: str, today: date) -> dict[str, Any]:
        """GET /institutions for the city (by stars, the mean), how many were inspected in
        the month and how many of those changed rating; `rows` filled for the raw record."""
        report = institutions(CITY_ADMIN, "city", today, self.rubric, ports)
        targets = [
            t for d in report.districts for t in ports.targets.institutions_of(d.district_id)
        ]
        self.rows = [self._row(t) for t in sorted(targets, key=lambda t: t.target_id)]
        return {
            "institutions": report.total.institutions,
            "by_stars": report.total.by_stars,
            "mean_stars": report.total.mean_stars,
            "by_stars_at_start": _by_stars(self.before.values()),
            **rating_changes(self.rows, month),
        }

    def _row(self, target: InspectionTarget) -> dict[str, Any]:
        return {
            "target_id": target.target_id,
            "district_id": target.district_id,
            "last_inspected": target.last_inspected.isoformat() if target.last_inspected else None,
            "scores": {s.item: s.score for s in target.last_scores},
            "rectifications": target.last_rectifications,
            "stars": target.stars(self.rubric),
            "stars_at_start": self.before.get(target.target_id, 0),
        }


def _by_stars(stars: Any) -> list[int]:
    """How many at each rating: not rated (0), then 1..5 stars (as GET /institutions)."""
    count = Counter(stars)
    return [count[n] for n in range(6)]


def rating_changes(rows: list[dict[str, Any]], month: str) -> dict[str, Any]:
    """From the raw rows: inspected in the month, and of those re-rated up or down (the
    figures `--check` recounts)."""
    inspected = [r for r in rows if (r["last_inspected"] or "")[:7] == month]
    return {
        "inspected_in_month": len(inspected),
        "rated_up": sum(1 for r in inspected if r["stars"] > r["stars_at_start"]),
        "rated_down": sum(1 for r in inspected if r["stars"] < r["stars_at_start"]),
        "rating_unchanged": sum(1 for r in inspected if r["stars"] == r["stars_at_start"]),
    }
