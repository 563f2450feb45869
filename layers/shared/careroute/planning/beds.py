"""A provider's home-care-bed day as a fleet problem, and the validated plan as one route
document per worker.

Pure: no AWS. Place 0 is the provider's base (every worker starts and ends there), place k
is candidate k-1; a bed's window is its home hours, its penalty the candidate's (None:
mandatory). The plan is checked by the independent fleet validator before it becomes
documents; a plan that fails it raises ValueError, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from careroute.domain.bed_visits import BedCandidate
from careroute.domain.beds import BedPolicy
from careroute.domain.providers import Provider, ServiceWorker
from careroute.planning.depot_day import (
    DayDocuments,
    depot_travel,
    depot_worker,
    require_valid,
    worker_routes,
)
from careroute.routing import FleetProblem, FleetResult, FleetStop, PlannedStop


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
    travel = depot_travel(
        provider.base, (c.bed.location for c in chosen), policy.speed_kmh, circuity
    )
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
    fleet = tuple(depot_worker(w.worker_id, w.shift, w.lunch) for w in workers)
    return FleetProblem(fleet, stops, travel)


def bed_plan(
    provider_id: str,
    day: date,
    chosen: Sequence[BedCandidate],
    problem: FleetProblem,
    result: FleetResult,
) -> DayDocuments:
    """Validate the plan and turn it into route documents (ids, places and times only), one
    per worker, an idle worker's with no stop (so a re-plan replaces every route of the day)."""
    require_valid(problem, result, f"bed plan {provider_id} {day}")
    by_id = {c.bed.bed_id: c for c in chosen}

    def bed_stop(planned: PlannedStop) -> dict[str, Any]:
        c = by_id[planned.stop_id]
        return {
            "bed_id": c.bed.bed_id,
            "elder_id": c.bed.elder_id,
            "community_id": c.bed.community_id,
            "lat": c.bed.location.lat,
            "lng": c.bed.location.lng,
            "due": c.due.isoformat(),
            "mandatory": c.penalty is None,
        }

    provider_day = {"provider_id": provider_id, "date": day.isoformat()}
    routes = worker_routes(result, lambda r: {"worker_id": r.worker_id, **provider_day}, bed_stop)
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
    return DayDocuments(routes, summary)
