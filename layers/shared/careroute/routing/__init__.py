"""Routing: the OR-Tools daily router and an independent plan validator.

Only `careroute.routing.ortools_router` imports OR-Tools.
"""

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
    "PlannedStop",
    "RouteProblem",
    "RouteResult",
    "SolveLimits",
    "SolveStatus",
    "Stop",
    "Unassigned",
    "UnassignedReason",
    "default_limits",
    "solve",
    "validate_route",
]
