"""Routing: the OR-Tools daily router, the fleet router (PyVRP or OR-Tools) and independent plan
validators.

Only `careroute.routing.ortools_router` and `fleet_router` import OR-Tools (`pyvrp_backend`
imports PyVRP inside its functions, the first time a fleet problem goes to it), and this package
loads them on first use of `solve`, `solve_fleet` or `default_limits` (PEP 562): a function
that only reads the model types (an API reading routes, a planner fanning out jobs) runs
without the OR-Tools layer. tests/integration/local_stack/test_function_layers.py holds every
function to it.
"""

from typing import TYPE_CHECKING, Any

from careroute.routing.fleet_model import (
    FleetProblem,
    FleetResult,
    FleetStop,
    Worker,
    WorkerRoute,
    travel_matrix,
)
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
from careroute.routing.validator import validate_route

if TYPE_CHECKING:
    from careroute.routing.fleet_router import solve_fleet
    from careroute.routing.ortools_router import default_limits, solve

_SOLVERS = {
    "solve": "careroute.routing.ortools_router",
    "default_limits": "careroute.routing.ortools_router",
    "solve_fleet": "careroute.routing.fleet_router",
}


def __getattr__(name: str) -> Any:
    """Load a router (and OR-Tools) the first time one of its entry points is asked for."""
    if name in _SOLVERS:
        import importlib

        return getattr(importlib.import_module(_SOLVERS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
