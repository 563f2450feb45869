"""Load the validated data sets besides the registry: inspection targets and inspectors,
home devices, the home-service market, canteens and lunch orders, assessors and assessment
requests, the service facilities of the 15-minute circle, home care beds, lunch bookings,
day-care bookings, benefit claims, home-service orders and hospitals.

Each data set is given whole or not at all (None: left as stored). Canteens, facilities and
hospitals replace the stored list (a closed canteen is never planned again); the others are
stored by key, so an item left out of a later import stays, and re-running an interrupted import
converges (a bed, a lunch booking or a day-care booking imported replaces the stored one of
its id whole; a centre's places booked are recounted from its bookings; an order imported
replaces the stored one of its id with its steps, its free minutes charged to the elder's
month by the difference).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from careroute.domain.assessments import AssessmentRequest, Assessor
from careroute.domain.bed_visits import BedVisit
from careroute.domain.beds import HomeCareBed
from careroute.domain.benefits import BenefitClaim
from careroute.domain.day_care import DayCareBooking
from careroute.domain.devices import Device
from careroute.domain.hospitals import Hospital
from careroute.domain.inspections import InspectionTarget, Inspector
from careroute.domain.meals import MealBooking
from careroute.domain.order_history import OrderHistory
from careroute.domain.providers import Provider, ServiceMarket, ServiceWorker
from careroute.planning.meals import Canteen, MealOrder
from careroute.planning.service_circle import Facility
from careroute.service_layer.ports import (
    AssessmentRequests,
    AssessorDirectory,
    BedRepository,
    BedVisitRepository,
    CanteenRepository,
    DayCareBookings,
    DeviceRepository,
    FacilityRepository,
    InspectionTargets,
    InspectorDirectory,
    MealBookings,
    MealOrderRepository,
    OrderRepository,
    ServiceProviders,
)
from careroute.service_layer.ports.benefits import BenefitClaims
from careroute.service_layer.ports.hospitals import HospitalDirectory

T = TypeVar("T")


@dataclass(frozen=True)
class DataSets:
    """The data sets of one import or export; None for one not given. The home-service
    market is three lists given together: providers, their workers and the pilot
    communities (ids)."""

    inspection_targets: tuple[InspectionTarget, ...] | None = None
    inspectors: tuple[Inspector, ...] | None = None
    devices: tuple[Device, ...] | None = None
    providers: tuple[Provider, ...] | None = None
    service_workers: tuple[ServiceWorker, ...] | None = None
    pilot_communities: tuple[str, ...] | None = None
    canteens: tuple[Canteen, ...] | None = None
    meal_orders: tuple[MealOrder, ...] | None = None
    assessors: tuple[Assessor, ...] | None = None
    assessment_requests: tuple[AssessmentRequest, ...] | None = None
    service_facilities: tuple[Facility, ...] | None = None
    home_care_beds: tuple[HomeCareBed, ...] | None = None
    bed_visits: tuple[BedVisit, ...] | None = None
    meal_bookings: tuple[MealBooking, ...] | None = None
    day_care_bookings: tuple[DayCareBooking, ...] | None = None
    benefit_claims: tuple[BenefitClaim, ...] | None = None
    orders: tuple[OrderHistory, ...] | None = None
    hospitals: tuple[Hospital, ...] | None = None

    @property
    def market(self) -> ServiceMarket | None:
        """The home-service market, when all three of its lists are given."""
        if self.providers is None or self.service_workers is None:
            return None
        if self.pilot_communities is None:
            return None
        return ServiceMarket(
            self.providers, self.service_workers, frozenset(self.pilot_communities)
        )


@dataclass(frozen=True)
class DataSetLoading:
    """The ports a data-set import writes."""

    targets: InspectionTargets
    inspectors: InspectorDirectory
    devices: DeviceRepository
    providers: ServiceProviders
    canteens: CanteenRepository
    meal_orders: MealOrderRepository
    assessors: AssessorDirectory
    requests: AssessmentRequests
    facilities: FacilityRepository
    beds: BedRepository
    bed_visits: BedVisitRepository
    meal_bookings: MealBookings
    day_care: DayCareBookings
    claims: BenefitClaims
    orders: OrderRepository
    hospitals: HospitalDirectory


def import_data_sets(data: DataSets, ports: DataSetLoading) -> dict[str, int]:
    """Store every data set given; the items written per data set (by its DataSets name).

    `data` must already be validated (data_csv.read_data_sets or the generator): nothing
    here rejects an item, so an import never stops half-way for bad data.
    """
    written: dict[str, int] = {}

    def store(name: str, items: T | None, save: Callable[[T], int]) -> None:
        if items is not None:
            written[name] = save(items)

    store("inspection_targets", data.inspection_targets, ports.targets.save_targets)
    store("inspectors", data.inspectors, ports.inspectors.save_inspectors)
    store("devices", data.devices, ports.devices.save_devices)
    store("home_service_items", data.market, ports.providers.save_market)
    store("canteens", data.canteens, ports.canteens.replace_canteens)
    store("meal_orders", data.meal_orders, lambda o: _save_meal_orders(o, ports.meal_orders))
    store("assessors", data.assessors, ports.assessors.save_assessors)
    store("assessment_requests", data.assessment_requests, ports.requests.save_requests)
    store("service_facilities", data.service_facilities, ports.facilities.replace_facilities)
    store("home_care_beds", data.home_care_beds, ports.beds.import_beds)
    store("bed_visits", data.bed_visits, ports.bed_visits.import_visits)
    store("meal_bookings", data.meal_bookings, ports.meal_bookings.import_bookings)
    store("day_care_bookings", data.day_care_bookings, ports.day_care.import_bookings)
    store("benefit_claims", data.benefit_claims, ports.claims.import_claims)
    store("orders", data.orders, ports.orders.import_orders)
    store("hospitals", data.hospitals, ports.hospitals.replace_hospitals)
    return written


def _save_meal_orders(orders: tuple[MealOrder, ...], repository: MealOrderRepository) -> int:
    """Lunch orders are stored per day: each day's orders in one write, in day order."""
    by_day: dict[date, list[MealOrder]] = defaultdict(list)
    for order in orders:
        by_day[order_day(order)].append(order)
    return sum(
        repository.save_orders(day, day_orders) for day, day_orders in sorted(by_day.items())
    )


def order_day(order: MealOrder) -> date:
    """The day of a lunch order, from its id ("{day}:{elder id}")."""
    return date.fromisoformat(order.order_id.partition(":")[0])
