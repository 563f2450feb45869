"""The ports urgent incidents are received, dispatched and tracked through.

Apart from the dispatch (`service_layer/incidents.py`, which loads the responder search and
the routing models): the incidents API only tracks incidents (`incident_tracking`) and does
not load the search to build its ports.
"""

from __future__ import annotations

from dataclasses import dataclass

from careroute.domain.access import Role
from careroute.service_layer.notifications import Notices
from careroute.service_layer.ports import (
    DeviceRepository,
    ElderRepository,
    IncidentRepository,
    ScopeDirectory,
    StewardRepository,
)
from careroute.service_layer.responding import Responding

ATTEMPTS = 5
"""Optimistic writes retried this often before the delivery fails (and SQS redelivers)."""
RESPONDER_ROLES = frozenset({Role.STEWARD, Role.WORKER})


@dataclass(frozen=True)
class IncidentHandling:
    """The ports receiving urgent events, dispatching and tracking incidents read and write."""

    incidents: IncidentRepository
    devices: DeviceRepository
    elders: ElderRepository
    stewards: StewardRepository
    scopes: ScopeDirectory
    responding: Responding
    notices: Notices | None = None
    """Who is told of dispatches and escalations; None tells nobody (the incidents API, the
    memory simulation)."""
