"""Configuration from environment variables, read in this one place.

`template.yaml` sets these for every function; the local stack sets the same names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


class ConfigError(RuntimeError):
    """A required environment variable is missing."""


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ConfigError(f"environment variable {name} is not set")
    return value


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
        return cls(
            communities_table=_env("COMMUNITIES_TABLE"),
            stewards_table=_env("STEWARDS_TABLE"),
            elders_table=_env("ELDERS_TABLE"),
            routes_table=_env("ROUTES_TABLE"),
            visits_table=_env("VISITS_TABLE"),
            coverage_table=_env("COVERAGE_TABLE"),
            elder_history_table=_env("ELDER_HISTORY_TABLE"),
            tickets_table=_env("TICKETS_TABLE"),
            plan_jobs_queue_url=os.environ.get("PLAN_JOBS_QUEUE_URL", ""),
            policy_file=os.environ.get("CAREROUTE_POLICY_FILE", ""),
            region=_env("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1")),
            orders_table=os.environ.get("ORDERS_TABLE", ""),
            order_events_table=os.environ.get("ORDER_EVENTS_TABLE", ""),
            home_services_table=os.environ.get("HOME_SERVICES_TABLE", ""),
            inspection_targets_table=os.environ.get("INSPECTION_TARGETS_TABLE", ""),
            inspections_table=os.environ.get("INSPECTIONS_TABLE", ""),
            inspection_jobs_queue_url=os.environ.get("INSPECTION_JOBS_QUEUE_URL", ""),
            devices_table=os.environ.get("DEVICES_TABLE", ""),
            incidents_table=os.environ.get("INCIDENTS_TABLE", ""),
            urgent_events_dlq_url=os.environ.get("URGENT_EVENTS_DLQ_URL", ""),
            meal_routes_table=os.environ.get("MEAL_ROUTES_TABLE", ""),
            meal_jobs_queue_url=os.environ.get("MEAL_JOBS_QUEUE_URL", ""),
            canteens_table=os.environ.get("CANTEENS_TABLE", ""),
            meal_orders_table=os.environ.get("MEAL_ORDERS_TABLE", ""),
            service_facilities_table=os.environ.get("SERVICE_FACILITIES_TABLE", ""),
            assessments_table=os.environ.get("ASSESSMENTS_TABLE", ""),
            home_care_beds_table=os.environ.get("HOME_CARE_BEDS_TABLE", ""),
            day_care_table=os.environ.get("DAY_CARE_TABLE", ""),
            benefit_claims_table=os.environ.get("BENEFIT_CLAIMS_TABLE", ""),
        )
