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

FIRST = date(2026, 11, 1)
LAST = date(2026, 11, 30)


def test_a_simulated_month_serves_every_due_bed_and_reports_the_recomputed_figures(
    small_city: Registry,
) -> None:
    policy = load_policy()
    beds = BedDays(small_city, policy, seed=1, city_seed=11, first=FIRST)
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
