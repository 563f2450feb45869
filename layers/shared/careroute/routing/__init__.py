"""Routing: the OR-Tools daily and fleet routers and independent plan validators.

Only `careroute.routing.ortools_router` and `fleet_router` import OR-Tools.
"""

from careroute.routing.fleet_model import (
    FleetProblem,
    FleetResult,
    FleetStop,
    Worker,
    WorkerRoute,
    travel_matrix,
)
from careroute.routing.fleet_router import solve_fleet
from careroute.routing.fleet_validator import validate_fleet
from careroute.routing.model import (
    PlannedStop,
    RouteProblem,
    RouteResult,
    SolveLimits,
    SolveStatus,
    Stop,
    Unassigned,
    UnassignedReason,
)
from careroute.routing.ortools_router import default_limits, solve
from careroute.routing.validator import validate_route

__all__ = [
    "FleetProblem",
    "FleetResult",
    "FleetStop",
    "PlannedStop",
    "RouteProblem",
    "RouteResult",
    "SolveLimits",
    "SolveStatus",
    "Stop",
    "Unassigned",
    "UnassignedReason",
    "Worker",
    "WorkerRoute",
    "default_limits",
    "solve",
    "solve_fleet",
    "travel_matrix",
    "validate_fleet",
    "validate_route",
]
