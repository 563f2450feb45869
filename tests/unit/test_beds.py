"""Home care beds, pure rules: who may have one (policy `[home_care_beds]`), the life of a bed,
when its next service visit is due, and the month's bed
coverage recomputed from beds and visit records (a bed never served in a month is a miss)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from careroute.domain.bed_visits import (
    BedVisit,
    BedVisitOutcome,
    due_date,
    last_served,
    month_coverage,
)
from careroute.domain.beds import (
    BedAction,
    BedPolicy,
    BedStatus,
    HomeCareBed,
    IllegalBedStep,
    Subsistence,
    ineligibility,
    step,
)
from careroute.domain.eligibility import CareLevel
from careroute.domain.policy import PolicyError, load_policy, parse_policy
from careroute.domain.vocabulary import CHINA_TZ, Category, GeoPoint
from tests.builders import an_elder

POLICY = BedPolicy()  # every 14 days, and once in every calendar month
NOV_1 = date(2026, 11, 1)


def a_bed(bed_id: str = "B1", accepted_on: date | None = date(2026, 10, 20)) -> HomeCareBed:
    bed = HomeCareBed(
        bed_id=bed_id,
        elder_id=f"E-{bed_id}",
        community_id="C1",
        street_id="S1",
        district_id="D1",
        location=GeoPoint(41.8, 123.4),
        provider_id="P1",
        subsistence=Subsistence.SUBSISTENCE_ALLOWANCE,
        care_level=CareLevel.DISABLED,
        applied_on=date(2026, 9, 1),
    )
    if accepted_on is None:
        return bed
    built = step(bed, BedAction.BUILD, accepted_on, frozenset({"nursing_bed"}))
    return step(built, BedAction.ACCEPT, accepted_on, frozenset())


def a_visit(bed_id: str, on: date, outcome: BedVisitOutcome = BedVisitOutcome.SERVED) -> BedVisit:
    at = datetime.combine(on, datetime.min.time(), CHINA_TZ) + timedelta(hours=10)
    minutes = 60 if outcome is BedVisitOutcome.SERVED else 0
    return BedVisit(
        f"V-{bed_id}-{on}", bed_id, f"E-{bed_id}", "P1", "K1", "C1", "S1", "D1",
        at, outcome, minutes, at,
    )  # fmt: skip


def test_the_default_policy_grants_beds_for_semi_or_full_disability_with_a_means_status() -> None:
    rules = load_policy().home_care_beds
    assert rules == POLICY
    disabled = an_elder(Category.DISABLED)
    assert ineligibility(disabled, Subsistence.LOW_INCOME, rules) is None
    assert "subsistence status none" in str(ineligibility(disabled, Subsistence.NONE, rules))
    assert "care level none" in str(ineligibility(an_elder(), Subsistence.LOW_INCOME, rules))


def test_an_assessed_care_level_decides_over_the_categories() -> None:
    graded_self = replace(an_elder(Category.DISABLED), care_level="self")
    why = ineligibility(graded_self, Subsistence.EXTREME_POVERTY, POLICY)
    assert why is not None and "care level self" in why


def test_the_policy_file_refuses_a_bad_home_care_beds_table() -> None:
    import tomllib

    from careroute.domain.policy import DEFAULT_POLICY_PATH

    raw = tomllib.loads(DEFAULT_POLICY_PATH.read_text("utf-8"))
    raw["home_care_beds"]["service_minutes"] = 0
    with pytest.raises((PolicyError, ValueError), match="home_care_beds"):
        parse_policy(raw)


def test_a_bed_is_built_with_equipment_then_accepted_and_only_then_in_service() -> None:
    applied = a_bed(accepted_on=None)
    built = step(applied, BedAction.BUILD, date(2026, 10, 1), frozenset({"fall_sensor"}))
    assert (built.status, built.version, built.in_service_on(date(2026, 10, 2))) == (
        BedStatus.BUILT, 2, False,
    )  # fmt: skip
    accepted = step(built, BedAction.ACCEPT, date(2026, 10, 5), frozenset())
    assert accepted.in_service_on(date(2026, 10, 5)) and not accepted.in_service_on(
        date(2026, 10, 4)
    )
    closed = step(accepted, BedAction.CLOSE, date(2026, 11, 10), frozenset())
    assert not closed.in_service_on(date(2026, 11, 10))


def test_a_step_out_of_order_or_without_equipment_is_refused() -> None:
    applied = a_bed(accepted_on=None)
    with pytest.raises(IllegalBedStep, match="cannot accept a bed that is applied"):
        step(applied, BedAction.ACCEPT, date(2026, 10, 1), frozenset())
    with pytest.raises(ValueError, match="a build names what was installed"):
        step(applied, BedAction.BUILD, date(2026, 10, 1), frozenset())
    with pytest.raises(ValueError, match="unknown"):
        step(applied, BedAction.BUILD, date(2026, 10, 1), frozenset({"television"}))
    with pytest.raises(ValueError, match="before the bed's last step"):
        step(applied, BedAction.BUILD, date(2026, 8, 1), frozenset({"fall_sensor"}))


def test_the_next_visit_is_due_a_cadence_after_the_last_or_at_the_months_end() -> None:
    bed = a_bed()  # accepted 20 October
    assert due_date(bed, None, date(2026, 10, 25), POLICY) == date(2026, 11, 3)
    assert due_date(bed, date(2026, 11, 10), date(2026, 11, 12), POLICY) == date(2026, 11, 24)
    # served on 25 November: the cadence runs into December; no monthly rule cuts it
    assert due_date(bed, date(2026, 11, 25), date(2026, 11, 28), POLICY) == date(2026, 12, 9)
    # a December with no service yet: by the cadence, or the month's end if sooner
    assert due_date(bed, date(2026, 11, 25), date(2026, 12, 2), POLICY) == date(2026, 12, 9)
    lax = replace(POLICY, cadence_days=31)
    assert due_date(bed, date(2026, 11, 25), date(2026, 12, 2), lax) == date(2026, 12, 26)
    assert due_date(bed, date(2026, 12, 28), date(2027, 1, 3), lax) == date(2027, 1, 28)
    assert due_date(a_bed(accepted_on=None), None, date(2026, 11, 1), POLICY) is None


def test_the_month_coverage_counts_a_bed_never_served_in_the_month_as_a_miss() -> None:
    beds = [a_bed("B1"), a_bed("B2"), a_bed("B3", accepted_on=date(2026, 11, 20))]
    visits = [
        a_visit("B1", date(2026, 10, 30)),
        a_visit("B1", date(2026, 11, 12)),
        a_visit("B1", date(2026, 11, 26)),
        a_visit("B2", date(2026, 11, 3), BedVisitOutcome.NOT_HOME),
        a_visit("B3", date(2026, 11, 25)),
    ]
    coverage = month_coverage("2026-11", beds, visits, POLICY)
    assert (coverage.beds_in_service, coverage.beds_due, coverage.beds_served) == (3, 2, 1)
    assert coverage.percent == 50.0
    assert (coverage.visits_served, coverage.visits_not_home, coverage.service_minutes) == (
        3, 1, 180,
    )  # fmt: skip
    rules = sorted((m.bed_id, m.rule) for m in coverage.misses)
    # B2: no service in November, and its cadence (from 20 October) ran out on 3 November
    assert rules == [("B2", "cadence"), ("B2", "monthly")]


def test_a_gap_longer_than_the_cadence_is_a_cadence_miss_even_when_the_month_is_served() -> None:
    visits = [a_visit("B1", date(2026, 10, 30)), a_visit("B1", date(2026, 11, 20))]
    coverage = month_coverage("2026-11", [a_bed("B1")], visits, POLICY)
    assert coverage.beds_served == 1
    assert [(m.rule, m.detail) for m in coverage.misses] == [
        ("cadence", "due 2026-11-13, next service 2026-11-20")
    ]


def test_last_served_ignores_not_home_visits_and_later_days() -> None:
    visits = [
        a_visit("B1", date(2026, 11, 2)),
        a_visit("B1", date(2026, 11, 9), BedVisitOutcome.NOT_HOME),
        a_visit("B1", date(2026, 11, 12)),
    ]
    assert last_served(visits, date(2026, 11, 12)) == {"B1": date(2026, 11, 2)}
    assert last_served(visits, date(2026, 11, 13)) == {"B1": date(2026, 11, 12)}


def test_a_served_visit_without_minutes_or_a_not_home_with_minutes_is_refused() -> None:
    visit = a_visit("B1", NOV_1)
    with pytest.raises(ValueError, match=r"a served visit takes 1\.\.480 minutes"):
        replace(visit, minutes=0)
    with pytest.raises(ValueError, match="only a served visit delivers service minutes"):
        replace(visit, outcome=BedVisitOutcome.NOT_HOME)


def test_a_month_under_way_shows_an_unserved_bed_as_pending_not_yet_a_miss() -> None:
    beds = [a_bed("B1"), a_bed("B2")]
    visits = [a_visit("B1", date(2026, 10, 30)), a_visit("B1", date(2026, 11, 12))]
    # read on the 13th (judged through the 12th)
    coverage = month_coverage("2026-11", beds, visits, POLICY, as_of=date(2026, 11, 12))
    assert (coverage.beds_due, coverage.beds_served, coverage.pending) == (2, 1, 1)
    assert coverage.visits_served == 1  # recorded on the 12th: every record counts
    # B2's cadence (from its acceptance on 20 October) ran out on 3 November: a miss already
    assert [(m.bed_id, m.rule) for m in coverage.misses] == [("B2", "cadence")]
    over = month_coverage("2026-11", beds, visits, POLICY)  # B1 due again on the 26th
    assert (over.pending, sorted((m.bed_id, m.rule) for m in over.misses)) == (
        0, [("B1", "cadence"), ("B2", "cadence"), ("B2", "monthly")],
    )  # fmt: skip
