"""The ports of the use cases: what a use case reads and writes, as typed Protocols.

A use case takes its ports as arguments; `careroute.adapters` implements them (DynamoDB in
the cloud and on the local stack, memory for fast tests and simulations), and one contract
suite (`tests/contract/`) runs against both so they cannot drift. Errors are the domain's:
a missing item is `NotFoundError`, a reused idempotency key `ConflictError`.

One module per area; every port is importable from here.

Importing this package imports no port module: each name is loaded from its area's module
on first use (`__getattr__`), so a function loads only the areas it uses (all of them, with
the message models and planners they pull in, were ~90 ms of every cold start).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from careroute.service_layer.ports.beds import BedRepository, BedRoutes, BedVisitRepository
    from careroute.service_layer.ports.day_care import Booked, DayCareBookings
    from careroute.service_layer.ports.home_services import (
        DayPlanRepository,
        DeviceRepository,
        IncidentRepository,
        OrderRepository,
        Placement,
        QuotaLedger,
        ServiceProviders,
    )
    from careroute.service_layer.ports.inspections_and_assessments import (
        AssessmentRequests,
        AssessorDirectory,
        AssessorRoutes,
        Grading,
        InspectionJobQueue,
        InspectionPlans,
        InspectionResults,
        InspectionTargets,
        InspectorDirectory,
        MonthResult,
        ResultSaved,
    )
    from careroute.service_layer.ports.jobs import JobQueue
    from careroute.service_layer.ports.meal_bookings import MealBookings
    from careroute.service_layer.ports.meals_and_circle import (
        CanteenDayRoutes,
        CanteenRepository,
        CircleCount,
        CircleCounts,
        FacilityRepository,
        MealJobQueue,
        MealOrderRepository,
        MealRouteRepository,
    )
    from careroute.service_layer.ports.notifications import (
        DeliveryFailed,
        NotificationLog,
        Notifier,
    )
    from careroute.service_layer.ports.plan_reads import DayReading, DayReads
    from careroute.service_layer.ports.registry import (
        CommunityRepository,
        ElderRepository,
        HolidayCalendar,
        PolicyStore,
        ReadAudit,
        ScopeDirectory,
        StatusChange,
        StewardRepository,
    )
    from careroute.service_layer.ports.visits import (
        CoverageRepository,
        FailedVisitBatches,
        OverflowMarks,
        PlanJobQueue,
        Replayed,
        RouteRepository,
        TicketRepository,
        VisitRepository,
    )

_AREAS: dict[str, tuple[str, ...]] = {
    "beds": (
        "BedRepository",
        "BedRoutes",
        "BedVisitRepository",
    ),
    "day_care": (
        "Booked",
        "DayCareBookings",
    ),
    "home_services": (
        "DayPlanRepository",
        "DeviceRepository",
        "IncidentRepository",
        "OrderRepository",
        "Placement",
        "QuotaLedger",
        "ServiceProviders",
    ),
    "inspections_and_assessments": (
        "AssessmentRequests",
        "AssessorDirectory",
        "AssessorRoutes",
        "Grading",
        "InspectionJobQueue",
        "InspectionPlans",
        "InspectionResults",
        "InspectionTargets",
        "InspectorDirectory",
        "MonthResult",
        "ResultSaved",
    ),
    "jobs": ("JobQueue",),
    "meal_bookings": ("MealBookings",),
    "meals_and_circle": (
        "CanteenDayRoutes",
        "CanteenRepository",
        "CircleCount",
        "CircleCounts",
        "FacilityRepository",
        "MealJobQueue",
        "MealOrderRepository",
        "MealRouteRepository",
    ),
    "notifications": (
        "DeliveryFailed",
        "NotificationLog",
        "Notifier",
    ),
    "plan_reads": (
        "DayReading",
        "DayReads",
    ),
    "registry": (
        "CommunityRepository",
        "ElderRepository",
        "HolidayCalendar",
        "PolicyStore",
        "ReadAudit",
        "ScopeDirectory",
        "StatusChange",
        "StewardRepository",
    ),
    "visits": (
        "CoverageRepository",
        "FailedVisitBatches",
        "OverflowMarks",
        "PlanJobQueue",
        "Replayed",
        "RouteRepository",
        "TicketRepository",
        "VisitRepository",
    ),
}
"""Each area's module and the ports it defines."""

_AREA_OF = {name: area for area, names in _AREAS.items() for name in names}


def __getattr__(name: str) -> object:
    """The port `name`, from its area's module (imported on first use)."""
    area = _AREA_OF.get(name)
    if area is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    port = getattr(importlib.import_module(f"{__name__}.{area}"), name)
    globals()[name] = port
    return port


__all__ = [
    "AssessmentRequests",
    "AssessorDirectory",
    "AssessorRoutes",
    "BedRepository",
    "BedRoutes",
    "BedVisitRepository",
    "Booked",
    "CanteenDayRoutes",
    "CanteenRepository",
    "CircleCount",
    "CircleCounts",
    "CommunityRepository",
    "CoverageRepository",
    "DayCareBookings",
    "DayPlanRepository",
    "DayReading",
    "DayReads",
    "DeliveryFailed",
    "DeviceRepository",
    "ElderRepository",
    "FacilityRepository",
    "FailedVisitBatches",
    "Grading",
    "HolidayCalendar",
    "IncidentRepository",
    "InspectionJobQueue",
    "InspectionPlans",
    "InspectionResults",
    "InspectionTargets",
    "InspectorDirectory",
    "JobQueue",
    "MealBookings",
    "MealJobQueue",
    "MealOrderRepository",
    "MealRouteRepository",
    "MonthResult",
    "NotificationLog",
    "Notifier",
    "OrderRepository",
    "OverflowMarks",
    "Placement",
    "PlanJobQueue",
    "PolicyStore",
    "QuotaLedger",
    "ReadAudit",
    "Replayed",
    "ResultSaved",
    "RouteRepository",
    "ScopeDirectory",
    "ServiceProviders",
    "StatusChange",
    "StewardRepository",
    "TicketRepository",
    "VisitRepository",
]
