"""The home care beds' ports on DynamoDB: the beds table, whose module serves the beds,
visits and routes ports itself, and the ports of the bed use cases built from it, once per
container. The tables must be bound first (`bind_tables`, at cold start)."""

from __future__ import annotations

from careroute.adapters.dynamodb import home_care_beds, home_services
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import wired
from careroute.service_layer.beds import BedKeeping


def bed_keeping() -> BedKeeping:
    """The ports of the bed use cases (API and planner), on DynamoDB: the registry's, the
    providers', and the beds' own visits and routes."""
    return wired(
        BedKeeping,
        {**PORTS, "providers": lambda: home_services},
        beds=home_care_beds,
        visits=home_care_beds,
        routes=home_care_beds,
    )
