"""The data-set import's ports on DynamoDB, and every stored data set read back whole for an
export (what `careroute data export` writes)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from careroute.adapters.dynamodb import (
    assessments,
    benefit_claims,
    canteens,
    day_care,
    devices,
    home_care_beds,
    home_services,
    inspections,
    meal_bookings,
    meal_orders,
    orders,
    service_facilities,
)
from careroute.adapters.dynamodb.hospitals import DynamoHospitals
from careroute.service_layer.data_import import DataSetLoading, DataSets


def data_set_loading() -> DataSetLoading:
    return DataSetLoading(
        targets=inspections,
        inspectors=inspections,
        devices=devices,
        providers=home_services,
        canteens=canteens,
        meal_orders=meal_orders,
        assessors=assessments,
        requests=assessments,
        facilities=service_facilities,
        beds=home_care_beds,
        bed_visits=home_care_beds,
        meal_bookings=meal_bookings.DynamoMealBookings(),
        day_care=day_care.DynamoDayCare(),
        claims=benefit_claims,
        orders=orders,
        hospitals=DynamoHospitals(),
    )


def stored_data_sets(district_ids: Iterable[str]) -> DataSets:
    """Every stored data set: those kept per district read for `district_ids` (the
    registry's districts), the others whole."""
    districts = sorted(set(district_ids))
    providers = tuple(p for d in districts for p in home_services.providers_of(d))
    return DataSets(
        inspection_targets=tuple(inspections.all_targets()),
        inspectors=tuple(i for d in districts for i in inspections.inspectors_of(d)),
        devices=tuple(devices.all_devices()),
        providers=providers,
        service_workers=tuple(
            w for p in providers for w in home_services.workers_of(p.provider_id)
        ),
        pilot_communities=tuple(home_services.pilot_communities()),
        canteens=tuple(canteens.all_canteens()),
        meal_orders=tuple(meal_orders.all_orders()),
        assessors=tuple(a for d in districts for a in assessments.assessors_of(d)),
        assessment_requests=tuple(r for d in districts for r in assessments.requests_of(d)),
        service_facilities=tuple(service_facilities.all_facilities()),
        home_care_beds=tuple(b for d in districts for b in home_care_beds.beds_of_district(d)),
        bed_visits=tuple(
            v for d in districts for v in home_care_beds.visits_of_district(d, date.min, date.max)
        ),
        meal_bookings=tuple(meal_bookings.all_bookings()),
        day_care_bookings=tuple(day_care.all_bookings()),
        benefit_claims=tuple(c for d in districts for c in benefit_claims.claims_in(d)),
        orders=tuple(h for d in districts for h in orders.histories_of_district(d)),
        hospitals=tuple(DynamoHospitals().all_hospitals()),
    )
