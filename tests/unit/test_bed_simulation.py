"""The month simulation's home care beds (careroute_local.bed_sim) on the small city: every
bed due in the month is served on time by its provider's workers, the built beds are
accepted on the acceptance day, and the report's figures are the ones recomputed from the
beds and visit records alone."""

from __future__ import annotations

from datetime import date, timedelta

from careroute.domain.bed_visits import BedVisitOutcome, month_coverage
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute_local.bed_sim import BedDays
from careroute_local.programme_sim import ProgrammeDays
from careroute_local.sim_city import SimMonth

FIRST = date(2026, 11, 1)
LAST = date(2026, 11, 30)


def test_a_simulated_month_serves_every_due_bed_and_reports_the_recomputed_figures(
    small_city: Registry,
) -> None:
    policy = load_policy()
    beds = BedDays(SimMonth(small_city, policy, seed=1, city_seed=11, first=FIRST))
    assert beds.pending, "the synthetic city has beds awaiting acceptance"
    day = FIRST
    while day <= LAST:
        beds.day(day)
        day += timedelta(days=1)
    figures = beds.figures("2026-11")
    districts = sorted({c.district_id for c in small_city.communities})
    every_bed = [b for d in districts for b in beds.beds.beds_of_district(d)]
    since = FIRST - timedelta(days=62)
    visits = [v for d in districts for v in beds.ports.visits.visits_of_district(d, since, LAST)]
    recount = month_coverage("2026-11", every_bed, visits, policy.home_care_beds)
    assert recount.beds_due > 10
    assert (figures["beds_due"], figures["beds_served"]) == (recount.beds_due, recount.beds_served)
    assert recount.beds_served == recount.beds_due
    assert (figures["percent"], figures["cadence_misses"], figures["monthly_misses"]) == (
        100.0, 0, 0,
    )  # fmt: skip
    assert figures["beds_accepted_in_month"] == len(beds.pending)
    assert figures["beds"]["built"] == 0 and figures["bed_visits_mandatory_unassigned"] == 0
    served = [v for v in visits if v.outcome is BedVisitOutcome.SERVED and v.month == "2026-11"]
    assert figures["visits_served"] == len(served) == figures["bed_visits_served"]
    assert figures["service_hours"] == round(sum(v.minutes for v in served) / 60, 1)


def test_the_simulated_programmes_report_what_officials_read_from_the_records(
    small_city: Registry,
) -> None:
    """A week of lunches and day care: the report's meals and day-care figures are the
    bookings' (each meal's stored subsidy, each booked place-day), recounted here."""
    policy = load_policy()
    programmes = ProgrammeDays(SimMonth(small_city, policy, seed=1, city_seed=11, first=FIRST))
    for n in range(7):
        programmes.day(FIRST + timedelta(days=n))
    figures = programmes.figures("2026-11")
    canteens = programmes.lunch.canteens.all_canteens()
    bookings = [b for c in canteens for b in programmes.lunch.bookings.bookings_of(
        c.canteen_id, FIRST, LAST)]  # fmt: skip
    assert (
        len(bookings)
        == sum(v for k, v in figures["simulated"].items() if k.startswith("lunches_booked"))
        > 50
    )
    assert figures["meals"]["subsidy_yuan"] == sum(b.meals * b.subsidy_per_meal for b in bookings)
    centres = [c for ids in programmes.centres.values() for c in ids]
    held = [b for c in centres for b in programmes.care.bookings.bookings_of(c, FIRST, LAST)
            if b.status.value == "booked"]  # fmt: skip
    booked_days = sum(len([d for d in b.days if d <= LAST]) for b in held)
    care = figures["day_care"]
    assert care["day_places_booked"] + care["respite_nights_booked"] == booked_days > 0
    assert (
        figures["service_hours"]["hours_by_programme"]["home_care_bed"]
        == (figures["home_care_beds"]["service_hours"])
    )
