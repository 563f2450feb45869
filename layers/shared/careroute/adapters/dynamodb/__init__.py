"""Data access: one module per table, pynamodb models behind plain functions.

Models never leave this package; callers get domain objects. `bind_tables(settings)` must run
once (at cold start) before any call: table names come from configuration, not from code.

The package imports no table module: a function imports the ones it uses (importing all of
them, with the message models and ports they pull in, was most of every cold start).
"""

from careroute.adapters.dynamodb.tables import bind_models
from careroute.entrypoints.config import Settings


def bind_tables(settings: Settings) -> None:
    """Point every model at the table named in `settings` (by the model's class name: the
    table modules imported now and those imported later)."""
    bind_models(
        settings.region,
        {
            "CommunityModel": settings.communities_table,
            "StewardModel": settings.stewards_table,
            "ElderModel": settings.elders_table,
            "RouteModel": settings.routes_table,
            "VisitModel": settings.visits_table,
            "CoverageModel": settings.coverage_table,
            "SettingModel": settings.coverage_table,
            "OverdueViewModel": settings.coverage_table,
            "CoverageSeriesModel": settings.coverage_table,
            "CircleRowModel": settings.coverage_table,
            "CapacityViewModel": settings.coverage_table,
            "MissesViewModel": settings.coverage_table,
            "OpenTicketCountModel": settings.coverage_table,
            "ElderHistoryModel": settings.elder_history_table,
            "TicketModel": settings.tickets_table,
            "InspectionTargetModel": settings.inspection_targets_table,
            "InspectionItemModel": settings.inspections_table,
            "DeviceModel": settings.devices_table,
            "MealRouteModel": settings.meal_routes_table,
            "CanteenModel": settings.canteens_table,
            "MealOrderModel": settings.meal_orders_table,
            "MealBookingModel": settings.meal_orders_table,
            "MealMonthModel": settings.meal_orders_table,
            "ServiceFacilityModel": settings.service_facilities_table,
            "AssessmentModel": settings.assessments_table,
            "IncidentModel": settings.incidents_table,
            "OrderModel": settings.orders_table,
            "OrderEventModel": settings.order_events_table,
            "HomeServiceModel": settings.home_services_table,
            "HomeCareBedModel": settings.home_care_beds_table,
            "DayCareModel": settings.day_care_table,
            "DayCareMonthModel": settings.day_care_table,
            "BenefitClaimModel": settings.benefit_claims_table,
        },
    )


__all__ = ["bind_tables"]
