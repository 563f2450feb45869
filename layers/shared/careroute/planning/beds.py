"""A provider's home-care-bed day as a fleet problem, and the validated plan as one route
document per worker.

Pure: no AWS. Place 0 is the provider's base (every worker starts and ends there), place k
is candidate k-1; a bed's window is its home hours, its penalty the candidate's (None:
mandatory). The plan is checked by the independent fleet validator before it becomes
documents; a plan that fails it raises ValueError, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from careroute.domain.bed_visits import BedCandidate
from careroute.domain.beds import BedPolicy
from careroute.domain.providers import Provider, ServiceWorker
from careroute.domain.vocabulary import format_clock
from careroute.planning.travel import HaversineTravel
from careroute.routing import (
    FleetProblem,
    FleetResult,
    FleetStop,
    Worker,
    travel_matrix,
    validate_fleet,
)


def bed_problem(
    chosen: Sequence[BedCandidate],
    provider: Provider,
    workers: Sequence[ServiceWorker],
    policy: BedPolicy,
    circuity: float,
) -> FleetProblem:
    """One provider day: its workers from its base, the chosen beds as stops."""
    if not workers:
        raise ValueError(f"provider {provider.provider_id}: a bed day needs a worker")
    points = [provider.base] + [c.bed.location for c in chosen]
    travel = travel_matrix(points, HaversineTravel(policy.speed_kmh, circuity))
    stops = tuple(
        FleetStop(
            stop_id=c.bed.bed_id,
            place=k + 1,
            windows=(c.bed.window,),
            service_seconds=policy.service_minutes * 60,
            penalty=c.penalty,
        )
        for k, c in enumerate(chosen)
    )
    fleet = tuple(Worker(w.worker_id, 0, 0, w.shift, break_=w.lunch) for w in workers)
    return FleetProblem(fleet, stops, travel)


@dataclass(frozen=True)
class BedDayPlan:
    """What one provider day's plan stores: a route per worker with stops, and a summary."""

    routes: list[dict[str, Any]]
    summary: dict[str, Any]


def bed_plan(
    provider_id: str,
    day: date,
    chosen: Sequence[BedCandidate],
    problem: FleetProblem,
    result: FleetResult,
) -> BedDayPlan:
    """Validate the plan and turn it into route documents (ids, places and times only), one
    per worker, an idle worker's with no stop (so a re-plan replaces every route of the day)."""
    errors = validate_fleet(problem, result)
    if errors:
        raise ValueError(f"bed plan {provider_id} {day}: " + "; ".join(errors[:5]))
    by_id = {c.bed.bed_id: c for c in chosen}
    routes = []
    for route in result.routes:
        stops = []
        for planned in route.stops:
            c = by_id[planned.stop_id]
            stops.append(
                {
                    "sequence": planned.sequence,
                    "bed_id": c.bed.bed_id,
                    "elder_id": c.bed.elder_id,
                    "community_id": c.bed.community_id,
                    "lat": c.bed.location.lat,
                    "lng": c.bed.location.lng,
                    "start": format_clock(planned.service_start),
                    "end": format_clock(planned.service_end),
                    "due": c.due.isoformat(),
                    "mandatory": c.penalty is None,
                }
            )
        routes.append(
            {
                "worker_id": route.worker_id,
                "provider_id": provider_id,
                "date": day.isoformat(),
                "departure": format_clock(route.departure),
                "return": format_clock(route.ret),
                "stops": stops,
            }
        )
    summary = {
        "provider_id": provider_id,
        "date": day.isoformat(),
        "candidates": len(chosen),
        "mandatory": sum(1 for c in chosen if c.penalty is None),
        "planned": sum(len(r["stops"]) for r in routes),
        "unassigned_mandatory": sorted(u.stop_id for u in result.unassigned if u.mandatory),
        "status": result.status.value,
        "backend": result.backend,
    }
    return BedDayPlan(routes, summary)
