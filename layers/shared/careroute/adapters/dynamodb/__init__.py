"""Data access: one module per table, pynamodb models behind plain functions.

Models never leave this package; callers get domain objects. `bind_tables(settings)` must run
once (at cold start) before any call: table names come from configuration, not from code.
"""

from careroute.adapters.dynamodb import (
    assessments,
    benefit_claims,
    canteens,
    coverage,
    day_care,
    devices,
    history,
    home_care_beds,
    home_services,
    incidents,
    inspections,
    meal_bookings,
    meal_orders,
    meal_routes,
    orders,
    registry,
    routes,
    service_facilities,
    settings_items,
    tickets,
    visits,
)
from careroute.adapters.dynamodb.tables import bind_models
from careroute.entrypoints.config import Settings


def bind_tables(settings: Settings) -> None:
    """Point every model at the table named in `settings`."""
    bind_models(
        settings.region,
        {
            registry.CommunityModel: settings.communities_table,
            registry.StewardModel: settings.stewards_table,
            registry.ElderModel: settings.elders_table,
            routes.RouteModel: settings.routes_table,
            visits.VisitModel: settings.visits_table,
            coverage.CoverageModel: settings.coverage_table,
            settings_items.SettingModel: settings.coverage_table,
            history.ElderHistoryModel: settings.elder_history_table,
            tickets.TicketModel: settings.tickets_table,
            inspections.InspectionTargetModel: settings.inspection_targets_table,
            inspections.InspectionItemModel: settings.inspections_table,
            devices.DeviceModel: settings.devices_table,
            meal_routes.MealRouteModel: settings.meal_routes_table,
            canteens.CanteenModel: settings.canteens_table,
            meal_orders.MealOrderModel: settings.meal_orders_table,
            meal_bookings.MealBookingModel: settings.meal_orders_table,
            service_facilities.ServiceFacilityModel: settings.service_facilities_table,
            assessments.AssessmentModel: settings.assessments_table,
            incidents.IncidentModel: settings.incidents_table,
            orders.OrderModel: settings.orders_table,
            orders.OrderEventModel: settings.order_events_table,
            home_services.HomeServiceModel: settings.home_services_table,
            home_care_beds.HomeCareBedModel: settings.home_care_beds_table,
            day_care.DayCareModel: settings.day_care_table,
            benefit_claims.BenefitClaimModel: settings.benefit_claims_table,
        },
    )


__all__ = [
    "assessments",
    "benefit_claims",
    "bind_tables",
    "canteens",
    "coverage",
    "day_care",
    "devices",
    "history",
    "home_care_beds",
    "incidents",
    "inspections",
    "meal_bookings",
    "meal_orders",
    "meal_routes",
    "orders",
    "registry",
    "routes",
    "service_facilities",
    "settings_items",
    "tickets",
    "visits",
]
