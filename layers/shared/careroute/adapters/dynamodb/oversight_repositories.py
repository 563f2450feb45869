"""The ports of the officials' and the bureau's reads on DynamoDB, built once per container:
the dashboard's map and month chart, the overdue list, the daily pace, the coverage drift
check, the elders registry.

The tables must be bound first (`careroute.adapters.dynamodb.bind_tables`).
"""

from __future__ import annotations

from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import wired
from careroute.service_layer.coverage_check import CoverageCheck
from careroute.service_layer.dashboard import DashboardReading
from careroute.service_layer.elders import ElderRegistry
from careroute.service_layer.officials import OverdueReading
from careroute.service_layer.pace import PaceReading


def dashboard_reading() -> DashboardReading:
    """The ports of the dashboard's map and month chart, on DynamoDB (with the stored
    series of the month chart)."""
    from careroute.adapters.dynamodb.coverage_series import DynamoSeries

    return wired(DashboardReading, PORTS, series=DynamoSeries())


def overdue_reading() -> OverdueReading:
    """The ports of the officials' overdue list, on DynamoDB (with the overdue view)."""
    from careroute.adapters.dynamodb.overdue_view import DynamoOverdueView

    return wired(OverdueReading, PORTS, view=DynamoOverdueView())


def pace_reading() -> PaceReading:
    """The ports of the daily coverage pace, on DynamoDB."""
    return wired(PaceReading, PORTS)


def coverage_checking(contacts_count: bool = False) -> CoverageCheck:
    """The ports of the coverage drift check and rebuild, on DynamoDB; `contacts_count`: the
    policy's `[contacts]`, as the projector counted the month."""
    return wired(CoverageCheck, PORTS, contacts_count=contacts_count)


def elder_registry() -> ElderRegistry:
    """The ports of the elders registry through the API (lists, changes, history, audit),
    on DynamoDB."""
    return wired(ElderRegistry, PORTS)
