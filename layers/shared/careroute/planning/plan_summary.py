"""Summarise a night's routes: what `careroute run`, `careroute plan` and benchmarks print."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from careroute.domain.percentiles import percentile


@dataclass(frozen=True)
class PlanSummary:
    routes: int
    visits_planned: int
    unassigned: int
    mandatory_unassigned: int
    unassigned_by_reason: dict[str, int]
    fallback_routes: int
    solve_ms_p50: float
    solve_ms_p99: float
    solve_ms_max: float
    travel_minutes_total: float
    stops_per_route_mean: float
    tiers_planned: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def summarise(routes: Iterable[dict[str, Any]]) -> PlanSummary:
    docs = list(routes)
    solve_ms = [float(d["stats"]["solve_ms"]) for d in docs]
    reasons: Counter[str] = Counter()
    tiers: Counter[str] = Counter()
    mandatory_unassigned = 0
    for doc in docs:
        for miss in doc["unassigned"]:
            reasons[miss["reason"]] += 1
            mandatory_unassigned += int(miss["mandatory"])
        tiers.update(stop["tier"] for stop in doc["stops"])
    planned = sum(len(d["stops"]) for d in docs)
    return PlanSummary(
        routes=len(docs),
        visits_planned=planned,
        unassigned=sum(reasons.values()),
        mandatory_unassigned=mandatory_unassigned,
        unassigned_by_reason=dict(reasons.most_common()),
        fallback_routes=sum(1 for d in docs if d["stats"]["status"] == "fallback"),
        solve_ms_p50=percentile(solve_ms, 0.5) or 0.0,
        solve_ms_p99=percentile(solve_ms, 0.99) or 0.0,
        solve_ms_max=max(solve_ms, default=0.0),
        travel_minutes_total=round(sum(d["stats"]["travel_minutes"] for d in docs), 1),
        stops_per_route_mean=round(planned / len(docs), 2) if docs else 0.0,
        tiers_planned=dict(sorted(tiers.items())),
    )


def flat_unassigned(routes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every unassigned visit with its community and steward (the export's top-level list)."""
    return [
        {"community_id": d["community_id"], "steward_id": d["steward_id"], **miss}
        for d in routes
        for miss in d["unassigned"]
    ]
