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

__all__ = [
    "PlannedStop",
    "RouteProblem",
    "RouteResult",
    "SolveLimits",
    "SolveStatus",
    "Stop",
    "Unassigned",
    "UnassignedReason",
]
