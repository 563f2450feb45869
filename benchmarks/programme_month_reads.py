"""The month's programme reads at city scope, before and after the month totals: the
canteens' lunch subsidies and the day-care centres' month, recounted from every canteen's
and centre's bookings (a query each: how GET /meals/subsidies and GET /oversight/day-care
read before) against each canteen's and centre's month totals kept with the bookings (one
query, one batch read), side by side on the same local stack, alternated.

The stack holds the full city's canteens (300) and day-care centres (195); `--lunches`
lunches and `--stays` day-care or respite stays are booked through the adapters (each one
transaction, as the API books). Timed in-process against the stack's DynamoDB (moto), not
over HTTP: what differs is the number of storage calls.

    .venv/bin/python benchmarks/programme_month_reads.py [--lunches 3000] [--stays 600] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

from careroute_synthetic.city import generate_city
from rich.console import Console

from careroute.domain.vocabulary import CHINA_TZ, GeoPoint, TimeWindow
from careroute_local import main_job
from careroute_local.synthetic_tables import load_canteens_and_facilities

MONTH = date(2026, 12, 1)
DAYS = 31
AT = datetime(2026, 11, 28, 9, 0, tzinfo=CHINA_TZ)


def timed(read: Callable[[], object]) -> float:
    started = time.perf_counter()
    read()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lunches", type=int, default=3000)
    parser.add_argument("--stays", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    console = Console(stderr=True)
    city = generate_city(11, as_of=MONTH - timedelta(days=1), scale=1.0)
    with main_job.local_stack(log_level="WARNING"):
        from careroute.adapters.dynamodb import canteens as canteen_table
        from careroute.adapters.dynamodb import service_facilities
        from careroute.adapters.dynamodb.day_care import DynamoDayCare
        from careroute.adapters.dynamodb.meal_bookings import DynamoMealBookings
        from careroute.domain.day_care import CareKind, DayCareBooking, DayCarePolicy, centre_month
        from careroute.domain.meals import MealBooking, MealMode, canteen_months
        from careroute.planning.service_circle import FacilityKind

        load_canteens_and_facilities(city.communities)
        canteens = canteen_table.all_canteens()
        centres = [
            f for f in service_facilities.all_facilities() if f.kind is FacilityKind.DAY_CARE
        ]
        lunches, care = DynamoMealBookings(), DynamoDayCare()
        rng = random.Random(11)
        elders = [e for e in city.elders][: max(args.lunches, args.stays)]
        step = time.perf_counter()
        for n in range(args.lunches):
            k, e = rng.choice(canteens), elders[n % len(elders)]
            mode = rng.choice([MealMode.DELIVERY, MealMode.DINE_IN])
            window = TimeWindow.parse("11:00", "12:30") if mode is MealMode.DELIVERY else None
            lunches.book(MealBooking(e.elder_id, e.community_id, e.street_id, e.district_id,
                                     k.canteen_id, MONTH + timedelta(days=n % DAYS), mode, 1, 5,
                                     "bench", AT, GeoPoint(41.8, 123.4), window))  # fmt: skip
        for n in range(args.stays):
            c, e = rng.choice(centres), elders[n % len(elders)]
            kind = rng.choice([CareKind.DAY_CARE, CareKind.RESPITE])
            first = MONTH + timedelta(days=rng.randrange(DAYS))
            last = first if kind is CareKind.DAY_CARE else first + timedelta(days=2)
            care.book(DayCareBooking(f"bench-{n}", c.facility_id, e.elder_id, e.community_id,
                                     e.street_id, e.district_id, kind, first, last, "bench", AT),
                      50, f"h{n}")  # fmt: skip
        console.print(
            f"{len(canteens)} canteens, {len(centres)} centres; {args.lunches} lunches and "
            f"{args.stays} stays booked in {time.perf_counter() - step:.0f} s"
        )
        last_day = MONTH + timedelta(days=DAYS - 1)
        places = {k.canteen_id: (k.district_id, k.street_id) for k in canteens}
        policy = DayCarePolicy()

        def meals_recounted() -> object:
            found = [
                b for k in canteens for b in lunches.bookings_of(k.canteen_id, MONTH, last_day)
            ]
            return canteen_months(found, places)

        def care_recounted() -> object:
            return [
                centre_month(c.facility_id, c.district_id,
                             care.bookings_of(c.facility_id, MONTH, last_day), MONTH, last_day,
                             policy)
                for c in centres
            ]  # fmt: skip

        reads: dict[str, Callable[[], object]] = {
            "lunch subsidies, recounted per canteen": meals_recounted,
            "lunch subsidies, month totals": lambda: lunches.month_totals(MONTH),
            "day care, recounted per centre": care_recounted,
            "day care, month totals": lambda: care.month_totals(
                (c.facility_id for c in centres), MONTH
            ),
        }
        times: dict[str, list[float]] = {name: [] for name in reads}
        loads: list[float] = []
        for _ in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for name, read in reads.items():
                times[name].append(timed(read))
    # After the stack: inside it, standard output goes to the handlers' log.
    print(f"Programme month reads at city scope, p50 of {args.rounds} alternated rounds "
          f"(load average {min(loads):.1f}-{max(loads):.1f}):")  # fmt: skip
    for name, taken in times.items():
        print(f"  {name}: p50 {statistics.median(taken):,.0f} ms (min {min(taken):,.0f})")


if __name__ == "__main__":
    main()
