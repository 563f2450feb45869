"""Every data set's file, in the order they are read (a file others refer to comes first:
providers before their workers and beds, canteens before the lunch orders and bookings,
beds before their visits, facilities before the day-care bookings, providers before the
home-service orders), and the rules for files
given together."""

from __future__ import annotations

from typing import Any

from careroute.adapters.data_csv.assessments import ASSESSMENT_REQUESTS, ASSESSORS
from careroute.adapters.data_csv.bed_visits import BED_VISITS
from careroute.adapters.data_csv.beds import HOME_CARE_BEDS
from careroute.adapters.data_csv.benefit_claims import BENEFIT_CLAIMS
from careroute.adapters.data_csv.data_file import DataFile
from careroute.adapters.data_csv.day_care import DAY_CARE_BOOKINGS
from careroute.adapters.data_csv.devices import DEVICES
from careroute.adapters.data_csv.facilities import SERVICE_FACILITIES
from careroute.adapters.data_csv.home_services import (
    MARKET_FILES,
    PILOT_COMMUNITIES,
    PROVIDERS,
    SERVICE_WORKERS,
)
from careroute.adapters.data_csv.hospitals import HOSPITALS
from careroute.adapters.data_csv.inspections import INSPECTION_TARGETS, INSPECTORS
from careroute.adapters.data_csv.meal_bookings import MEAL_BOOKINGS
from careroute.adapters.data_csv.meals import CANTEENS, MEAL_ORDERS
from careroute.adapters.data_csv.orders import ORDERS

FILES: tuple[DataFile[Any], ...] = (
    INSPECTION_TARGETS,
    INSPECTORS,
    DEVICES,
    PROVIDERS,
    SERVICE_WORKERS,
    PILOT_COMMUNITIES,
    CANTEENS,
    MEAL_ORDERS,
    MEAL_BOOKINGS,
    ASSESSORS,
    ASSESSMENT_REQUESTS,
    SERVICE_FACILITIES,
    HOME_CARE_BEDS,
    BED_VISITS,
    DAY_CARE_BOOKINGS,
    BENEFIT_CLAIMS,
    ORDERS,
    HOSPITALS,
)
FILE_ORDER = {spec.name: position for position, spec in enumerate(FILES)}
"""The order problems are reported in."""

TOGETHER = (tuple(spec.name for spec in MARKET_FILES),)
"""Files given all together or not at all."""
