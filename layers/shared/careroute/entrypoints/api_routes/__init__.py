"""The HTTP API function's routes, one module per area (visits, officials, registry, bureau,
tickets). Each module's `add_routes(app, api)` registers its routes on the function's
resolver at cold start; `functions/api/app.py` only builds the set-up and includes them.

The route modules do not use `from __future__ import annotations`: powertools reads the
route functions' annotations at run time to validate requests and build the OpenAPI document,
and cannot resolve them as strings inside `add_routes`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from careroute.domain.access import Caller
from careroute.domain.policy import Policy
from careroute.entrypoints.config import Settings


@dataclass(frozen=True)
class ApiSetup:
    """What the API function builds once per container and every route module uses."""

    settings: Settings
    policy: Policy
    """The policy file's; `entrypoints.policy_in_force.current_policy` lays the bureau's stored
    one over it."""
    caller: Callable[[], Caller]
    """The verified caller of the request being handled."""
