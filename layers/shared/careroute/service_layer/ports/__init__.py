"""The ports of the use cases: what a use case reads and writes, as typed Protocols.

A use case takes its ports as arguments; `careroute.adapters` implements them (DynamoDB in
the cloud and on the local stack, memory for fast tests and simulations), and one contract
suite (`tests/contract/`) runs against both so they cannot drift. Errors are the domain's:
a missing item is `NotFoundError`, a reused idempotency key `ConflictError`.

One module per area; every port is importable from here.
"""

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
from careroute.service_layer.ports.notifications import DeliveryFailed, NotificationLog, Notifier
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
