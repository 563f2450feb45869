"""Configuration from environment variables, read in this one place.

`template.yaml` sets these for every function; the local stack sets the same names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigError(RuntimeError):
    """A required environment variable is missing."""


def required_env(*names: str) -> tuple[str, ...]:
    """The values of these variables, in order; every one missing or empty is named."""
    values = tuple(os.environ.get(name, "") for name in names)
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise ConfigError(f"environment variables not set: {', '.join(missing)}")
    return values


def optional_env(name: str, default: str = "") -> str:
    """The variable's value, or `default` when it is missing or empty."""
    return os.environ.get(name) or default


@dataclass(frozen=True)
class Settings:
    communities_table: str
    stewards_table: str
    elders_table: str
    routes_table: str
    visits_table: str
    coverage_table: str
    elder_history_table: str
    tickets_table: str
    plan_jobs_queue_url: str
    policy_file: str
    """Path to a tier-policy TOML file; empty means the built-in default."""
    region: str
    orders_table: str = ""
    """Home-service orders (optional: only the order functions set these)."""
    order_events_table: str = ""
    home_services_table: str = ""
    inspection_targets_table: str = ""
    """Inspections (optional: only the inspection functions set these)."""
    inspections_table: str = ""
    inspection_jobs_queue_url: str = ""
    devices_table: str = ""
    """Urgent events (optional: only the urgent-event functions set these)."""
    incidents_table: str = ""
    urgent_events_dlq_url: str = ""
    meal_routes_table: str = ""
    """Meal delivery (optional: only the meal functions set these)."""
    meal_jobs_queue_url: str = ""
    canteens_table: str = ""
    meal_orders_table: str = ""
    service_facilities_table: str = ""
    """The 15-minute service circle's facilities (the circle functions and the API set it)."""
    assessments_table: str = ""
    """Needs assessments (optional: only the assessment functions set this)."""
    home_care_beds_table: str = ""
    """Home care beds, their visits and bed routes (only the functions serving beds set it)."""
    day_care_table: str = ""
    """Day-care and respite bookings (only the day-care function sets it)."""
    benefit_claims_table: str = ""
    """Benefit claims (only the benefit scan and the benefits API set it)."""

    @classmethod
    def from_env(cls) -> Settings:
        communities, stewards, elders, routes, visits, coverage, history, tickets = required_env(
            "COMMUNITIES_TABLE",
            "STEWARDS_TABLE",
            "ELDERS_TABLE",
            "ROUTES_TABLE",
            "VISITS_TABLE",
            "COVERAGE_TABLE",
            "ELDER_HISTORY_TABLE",
            "TICKETS_TABLE",
        )
        return cls(
            communities_table=communities,
            stewards_table=stewards,
            elders_table=elders,
            routes_table=routes,
            visits_table=visits,
            coverage_table=coverage,
            elder_history_table=history,
            tickets_table=tickets,
            plan_jobs_queue_url=optional_env("PLAN_JOBS_QUEUE_URL"),
            policy_file=optional_env("CAREROUTE_POLICY_FILE"),
            region=optional_env("AWS_REGION", optional_env("AWS_DEFAULT_REGION", "us-east-1")),
            orders_table=optional_env("ORDERS_TABLE"),
            order_events_table=optional_env("ORDER_EVENTS_TABLE"),
            home_services_table=optional_env("HOME_SERVICES_TABLE"),
            inspection_targets_table=optional_env("INSPECTION_TARGETS_TABLE"),
            inspections_table=optional_env("INSPECTIONS_TABLE"),
            inspection_jobs_queue_url=optional_env("INSPECTION_JOBS_QUEUE_URL"),
            devices_table=optional_env("DEVICES_TABLE"),
            incidents_table=optional_env("INCIDENTS_TABLE"),
            urgent_events_dlq_url=optional_env("URGENT_EVENTS_DLQ_URL"),
            meal_routes_table=optional_env("MEAL_ROUTES_TABLE"),
            meal_jobs_queue_url=optional_env("MEAL_JOBS_QUEUE_URL"),
            canteens_table=optional_env("CANTEENS_TABLE"),
            meal_orders_table=optional_env("MEAL_ORDERS_TABLE"),
            service_facilities_table=optional_env("SERVICE_FACILITIES_TABLE"),
            assessments_table=optional_env("ASSESSMENTS_TABLE"),
            home_care_beds_table=optional_env("HOME_CARE_BEDS_TABLE"),
            day_care_table=optional_env("DAY_CARE_TABLE"),
            benefit_claims_table=optional_env("BENEFIT_CLAIMS_TABLE"),
        )
