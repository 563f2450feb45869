"""The small city's PLAN_DATE planned, a steward reading their route of it, and the city admin
reading who read it: where the route API tests start."""

from __future__ import annotations

from typing import Any

from careroute_local.pump import EventPump, HttpResponse
from tests.conftest import PLAN_DATE, bearer, nightly_tick_time


def plan_the_day(pump: EventPump) -> dict[str, Any]:
    """Fire the nightly planner for PLAN_DATE and run every community's plan job; the
    planner's answer (its fan-out summary)."""
    fan_out = pump.fire_schedule("PlannerFunction", nightly_tick_time(PLAN_DATE))
    pump.drain_queue("PlanJobsQueue")
    return fan_out


def read_route(pump: EventPump, steward_id: str) -> HttpResponse:
    """GET the steward's route of PLAN_DATE, as that steward."""
    return pump.invoke_http(
        "GET",
        f"/stewards/{steward_id}/routes/{PLAN_DATE.isoformat()}",
        headers=bearer(pump, "steward", steward_id),
    )


def read_audit_log(pump: EventPump, community_id: str, limit: int) -> HttpResponse:
    """GET the community's audit log of personal-data reads (newest first), as the city admin."""
    return pump.invoke_http(
        "GET",
        f"/audit/communities/{community_id}",
        headers=bearer(pump, "city_admin"),
        query={"limit": str(limit)},
    )
