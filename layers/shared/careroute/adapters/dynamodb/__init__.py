"""Data access: one module per table, pynamodb models behind plain functions.

Models never leave this package; callers get domain objects. `bind_tables(settings)` must run
once (at cold start) before any call: table names come from configuration, not from code.
"""

from careroute.adapters.dynamodb import (
    assessments,
    canteens,
    coverage,
    devices,
    history,
    incidents,
    inspections,
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
from careroute.entrypoints.config import Settings


def bind_tables(settings: Settings) -> None:
    """Point every model at the tables named in `settings`."""
    registry.CommunityModel.Meta.table_name = settings.communities_table
    registry.StewardModel.Meta.table_name = settings.stewards_table
    registry.ElderModel.Meta.table_name = settings.elders_table
    routes.RouteModel.Meta.table_name = settings.routes_table
    visits.VisitModel.Meta.table_name = settings.visits_table
    coverage.CoverageModel.Meta.table_name = settings.coverage_table
    settings_items.SettingModel.Meta.table_name = settings.coverage_table
    history.ElderHistoryModel.Meta.table_name = settings.elder_history_table
    tickets.TicketModel.Meta.table_name = settings.tickets_table
    for model in (
        registry.CommunityModel,
        registry.StewardModel,
        registry.ElderModel,
        routes.RouteModel,
        visits.VisitModel,
        coverage.CoverageModel,
        settings_items.SettingModel,
        history.ElderHistoryModel,
        tickets.TicketModel,
    ):
        setattr(model.Meta, "region", settings.region)  # noqa: B010 (Meta declares no region)
        model._connection = None
    inspections.bind(settings.inspection_targets_table, settings.inspections_table, settings.region)
    devices.bind(settings.devices_table, settings.region)
    meal_routes.bind(settings.meal_routes_table, settings.region)
    canteens.bind(settings.canteens_table, settings.region)
    meal_orders.bind(settings.meal_orders_table, settings.region)
    service_facilities.bind(settings.service_facilities_table, settings.region)
    assessments.bind(settings.assessments_table, settings.region)
    incidents.bind(settings.incidents_table, settings.region)
    orders.bind(
        settings.orders_table,
        settings.order_events_table,
        settings.home_services_table,
        settings.region,
    )


__all__ = [
    "assessments",
    "bind_tables",
    "canteens",
    "coverage",
    "devices",
    "history",
    "incidents",
    "inspections",
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
