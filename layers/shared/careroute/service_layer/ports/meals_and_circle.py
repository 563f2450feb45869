"""Meal delivery's and the service circle's ports: canteens, lunch orders, canteen-day routes, meal
jobs, facilities and daily counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from careroute.domain.coverage import Scope
from careroute.messages.meals import MealPlanJob
from careroute.planning.service_circle import Facility
from careroute.service_layer.ports.jobs import JobQueue

if TYPE_CHECKING:
    # Named in annotations only: the meal planner (and OR-Tools' fleet model with it) is not
    # loaded by the functions that only count or read the service circle.
    from careroute.planning.meals import Canteen, MealOrder


class CanteenRepository(Protocol):
    """The meal-help points (canteens) the meal planner plans, each with its vehicles."""

    def replace_canteens(self, canteens: Iterable[Canteen]) -> int:
        """Make `canteens` the whole list (stored ones left out are gone, so a closed canteen
        is never planned); the count stored."""
        ...

    def all_canteens(self) -> list[Canteen]:
        """Every canteen, by id (none: an empty list)."""
        ...


class MealOrderRepository(Protocol):
    """The lunch orders canteens deliver, one per elder and day ("{day}:{elder id}")."""

    def save_orders(self, day: date, orders: Iterable[MealOrder]) -> int:
        """Store (or replace) lunch orders for `day`; the count written. ValueError, and
        nothing written, when an order's id is not "{day}:{elder id}"."""
        ...

    def orders_of(self, canteen_id: str, day: date) -> tuple[MealOrder, ...]:
        """The canteen's lunch orders for `day`, by elder id (none: an empty tuple)."""
        ...


@dataclass(frozen=True)
class CanteenDayRoutes:
    """A canteen day's stored delivery plan, with where the canteen is (who may read it)."""

    canteen_id: str
    day: date
    district_id: str
    street_id: str
    document: dict[str, Any]
    """The plan document (service_layer.meal_planning.plan_document)."""


class MealRouteRepository(Protocol):
    """Each canteen day's delivery routes; planning a day again replaces them."""

    def save_canteen_day(self, routes: CanteenDayRoutes, planned_at: datetime) -> None:
        """Store the day's plan, replacing one stored before."""
        ...

    def find_canteen_day(self, canteen_id: str, day: date) -> CanteenDayRoutes | None:
        """The canteen's plan for the day, or None when the day was not planned."""
        ...


MealJobQueue = JobQueue[MealPlanJob]
"""The meal jobs: one canteen's day each."""


class FacilityRepository(Protocol):
    """The service facilities (day-care centres, service stations, canteens) an elder walks
    to in the 15-minute service circle."""

    def replace_facilities(self, facilities: Iterable[Facility]) -> int:
        """Make `facilities` the whole list (stored ones left out are gone); the count stored."""
        ...

    def all_facilities(self) -> list[Facility]:
        """Every facility, by id (none: an empty list)."""
        ...


@dataclass(frozen=True)
class CircleCount:
    """One scope's daily count of the service circle."""

    elders: int
    within: int
    as_of: date


class CircleCounts(Protocol):
    """The daily circle count of every scope, read by coverage reports (one per scope)."""

    def save_counts(self, counts: Mapping[Scope, tuple[int, int]], day: date) -> int:
        """Store (elders counted, within the circle) per scope as of `day`, replacing each
        scope's count before; the count of scopes written."""
        ...

    def read_count(self, scope: Scope) -> CircleCount | None:
        """The scope's latest count; None before its first."""
        ...
