"""Compliance recomputed from raw visit records: the month simulation's independent check.

Default policy: T1 every 7 days, T2 every 14, T3 monthly only; one completed visit per
calendar month for everyone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from careroute.domain.compliance import (
    ElderBaseline,
    MissKind,
    StatusPeriod,
    cadence_deadline,
    check_compliance,
    month_bounds,
    stricter,
)
from careroute.domain.coverage import ALL_TIERS, Scope, ScopeKind
from careroute.domain.policy import Policy, load_policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    ElderStatus,
    Finding,
    FindingCategory,
    Outcome,
    Severity,
    Tier,
    VisitRecord,
)
from tests.builders import a_visit

MONTH = "2026-12"
DEC = {n: date(2026, 12, n) for n in range(1, 32)}


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy()


def baseline(
    elder: str = "E1",
    tier: Tier = Tier.T2,
    last: date | None = date(2026, 11, 30),
    paused: tuple[StatusPeriod, ...] = (),
    community: str = "C1",
) -> ElderBaseline:
    return ElderBaseline(elder, community, "S1", "D1", tier, last, paused)


_counter = iter(range(1, 10_000))


def visit(
    day: date,
    elder: str = "E1",
    tier: Tier = Tier.T2,
    outcome: Outcome = Outcome.VISITED,
    urgent: bool = False,
    community: str = "C1",
    hour: int = 10,
) -> VisitRecord:
    at = datetime.combine(day, time(hour), CHINA_TZ)
    findings = (Finding(FindingCategory.HEALTH, Severity.URGENT),) if urgent else ()
    return a_visit(
        f"v{next(_counter)}",
        at,
        elder_id=elder,
        where=(community, "S1", "D1"),
        tier=tier,
        outcome=outcome,
        findings=findings,
    )


def cadence_misses(result: object) -> list[tuple[str, date, date | None]]:
    misses = getattr(result, "misses", ())
    return [(m.elder_id, m.deadline, m.visited_on) for m in misses if m.kind is MissKind.CADENCE]


# ---------------------------------------------------------------- cadence gaps


def test_a_gap_one_day_longer_than_the_cadence_is_a_miss_with_its_deadline(
    policy: Policy,
) -> None:
    """Given a T2 elder last visited 25 Nov, when the next visit is on 10 Dec (15 days),
    then the 14-day cadence was missed on 9 Dec."""
    result = check_compliance(
        [visit(DEC[10])], [baseline(last=date(2026, 11, 25))], MONTH, policy, through=DEC[20]
    )
    assert cadence_misses(result) == [("E1", DEC[9], DEC[10])]
    assert result.misses[0].since == date(2026, 11, 25)
    assert result.misses[0].tier is Tier.T2


def test_a_gap_of_exactly_the_cadence_is_on_time(policy: Policy) -> None:
    result = check_compliance(
        [visit(DEC[9]), visit(DEC[23])], [baseline(last=date(2026, 11, 25))], MONTH, policy
    )
    assert result.misses == ()


def test_every_gap_in_the_month_is_checked_not_only_the_first(policy: Policy) -> None:
    visits = [
        visit(DEC[3], tier=Tier.T1),
        visit(DEC[10], tier=Tier.T1),
        visit(DEC[20], tier=Tier.T1),
    ]
    result = check_compliance(
        visits, [baseline(tier=Tier.T1, last=DEC[1] - timedelta(1))], MONTH, policy, through=DEC[26]
    )
    assert cadence_misses(result) == [("E1", DEC[17], DEC[20])]


def test_no_visit_after_the_last_one_is_a_miss_at_its_deadline(policy: Policy) -> None:
    result = check_compliance(
        [visit(DEC[2], tier=Tier.T1)], [baseline(tier=Tier.T1)], MONTH, policy
    )
    assert cadence_misses(result) == [("E1", DEC[9], None)]


def test_a_deadline_after_the_simulated_days_is_not_judged_yet(policy: Policy) -> None:
    result = check_compliance(
        [visit(DEC[2], tier=Tier.T1)], [baseline(tier=Tier.T1)], MONTH, policy, through=DEC[8]
    )
    assert result.misses == ()
    later = check_compliance(
        [visit(DEC[2], tier=Tier.T1)], [baseline(tier=Tier.T1)], MONTH, policy, through=DEC[9]
    )
    assert cadence_misses(later) == [("E1", DEC[9], None)]


def test_an_elder_never_visited_is_due_within_the_cadence_from_the_first_day(
    policy: Policy,
) -> None:
    result = check_compliance(
        [], [baseline(tier=Tier.T1, last=None)], MONTH, policy, through=DEC[15]
    )
    assert cadence_misses(result) == [("E1", DEC[7], None)]


def test_not_home_and_refused_do_not_reset_the_cadence(policy: Policy) -> None:
    visits = [
        visit(DEC[5], tier=Tier.T1, outcome=Outcome.NOT_HOME),
        visit(DEC[6], tier=Tier.T1, outcome=Outcome.REFUSED),
    ]
    result = check_compliance(
        visits, [baseline(tier=Tier.T1, last=DEC[1])], MONTH, policy, through=DEC[10]
    )
    assert cadence_misses(result) == [("E1", DEC[8], None)]


def test_a_late_deadline_from_before_the_month_belongs_to_last_month(policy: Policy) -> None:
    """A T1 elder last visited 20 Nov was due by 27 Nov: November's miss, not December's."""
    result = check_compliance(
        [visit(DEC[2], tier=Tier.T1)],
        [baseline(tier=Tier.T1, last=date(2026, 11, 20))],
        MONTH,
        policy,
        through=DEC[8],
    )
    assert result.misses == ()


# ---------------------------------------------------------------- tiers


@pytest.mark.parametrize(("first", "second"), [(Tier.T3, Tier.T1), (Tier.T1, Tier.T3)])
def test_the_stricter_tier_of_two_consecutive_visits_sets_the_allowed_gap(
    policy: Policy, first: Tier, second: Tier
) -> None:
    """Visits on 1 and 10 Dec, one of them as T1 (re-tiered up or down in between): the T1
    cadence (7 days) applied, whichever of the two it was."""
    visits = [visit(DEC[1], tier=first), visit(DEC[10], tier=second)]
    result = check_compliance(visits, [baseline(tier=first)], MONTH, policy, through=DEC[12])
    assert cadence_misses(result) == [("E1", DEC[8], DEC[10])]
    assert result.misses[0].tier is Tier.T1


def test_a_tier_raised_between_visits_counts_its_cadence_from_the_raise(policy: Policy) -> None:
    """Given a monthly (T3) elder visited on 1 Dec and graded T2 on 28 Dec, the T2 visit on
    29 Dec is in time: 14 days count from the grade, not from 1 Dec. Without the recorded
    raise the stricter tier of the two visits applies from the first (due 15 Dec)."""
    visits = [visit(DEC[1], tier=Tier.T3), visit(DEC[29], tier=Tier.T2)]
    graded = replace(baseline(tier=Tier.T3, last=None), raised=((DEC[28], Tier.T2),))
    assert check_compliance(visits, [graded], MONTH, policy).misses == ()
    unknown = baseline(tier=Tier.T3, last=None)
    assert cadence_misses(check_compliance(visits, [unknown], MONTH, policy)) == [
        ("E1", DEC[15], DEC[29])
    ]
    # raised on 5 Dec and never visited again: the T2 cadence runs out on 19 Dec
    early = replace(graded, raised=((DEC[5], Tier.T2),))
    only_first = [visit(DEC[1], tier=Tier.T3)]
    assert cadence_misses(check_compliance(only_first, [early], MONTH, policy)) == [
        ("E1", DEC[19], None)
    ]


def test_two_monthly_visits_nine_days_apart_keep_every_rule(policy: Policy) -> None:
    visits = [visit(DEC[1], tier=Tier.T3), visit(DEC[10], tier=Tier.T3)]
    result = check_compliance(visits, [baseline(tier=Tier.T3)], MONTH, policy)
    assert result.misses == ()


def test_an_urgent_finding_makes_the_next_gap_weekly(policy: Policy) -> None:
    """A T3 elder with an urgent finding on 2 Dec must be seen again by 9 Dec."""
    urgent = [visit(DEC[2], tier=Tier.T3, urgent=True), visit(DEC[12], tier=Tier.T3)]
    result = check_compliance(urgent, [baseline(tier=Tier.T3)], MONTH, policy)
    assert cadence_misses(result) == [("E1", DEC[9], DEC[12])]
    assert result.misses[0].tier is Tier.T1
    calm = [visit(DEC[2], tier=Tier.T3), visit(DEC[12], tier=Tier.T3)]
    assert check_compliance(calm, [baseline(tier=Tier.T3)], MONTH, policy).misses == ()


def test_an_urgent_finding_on_a_not_home_attempt_does_not_count(policy: Policy) -> None:
    visits = [
        visit(DEC[2], tier=Tier.T3),
        visit(DEC[3], tier=Tier.T3, outcome=Outcome.NOT_HOME, urgent=True),
    ]
    result = check_compliance(visits, [baseline(tier=Tier.T3)], MONTH, policy)
    assert result.misses == ()


def test_stricter_orders_tiers_by_cadence() -> None:
    assert stricter(Tier.T3, Tier.T1) is Tier.T1
    assert stricter(Tier.T2, Tier.T3) is Tier.T2
    assert stricter(Tier.T2, Tier.T2) is Tier.T2


# ---------------------------------------------------------------- paused periods


def test_days_in_hospital_stop_the_cadence_clock(policy: Policy) -> None:
    """T1 visited 1 Dec, in hospital 3-12 Dec, visited 16 Dec: 5 days at home, on time."""
    away = (StatusPeriod(ElderStatus.HOSPITALISED, DEC[3], DEC[12]),)
    visits = [visit(DEC[1], tier=Tier.T1), visit(DEC[16], tier=Tier.T1)]
    excused = check_compliance(
        visits, [baseline(tier=Tier.T1, paused=away)], MONTH, policy, through=DEC[17]
    )
    assert excused.misses == ()
    at_home = check_compliance(visits, [baseline(tier=Tier.T1)], MONTH, policy, through=DEC[17])
    assert cadence_misses(at_home) == [("E1", DEC[8], DEC[16])]


def test_the_deadline_after_a_hospital_stay_counts_only_days_at_home(policy: Policy) -> None:
    away = (StatusPeriod(ElderStatus.HOSPITALISED, DEC[3], DEC[12]),)
    b = baseline(tier=Tier.T1, paused=away)
    assert cadence_deadline(b, DEC[1], 7, DEC[31]) == DEC[18]
    result = check_compliance([visit(DEC[1], tier=Tier.T1)], [b], MONTH, policy)
    assert cadence_misses(result) == [("E1", DEC[18], None)]


def test_an_elder_away_all_month_is_not_due_but_named_as_away(policy: Policy) -> None:
    away = (StatusPeriod(ElderStatus.HOSPITALISED, date(2026, 11, 20), None),)
    result = check_compliance([], [baseline(tier=Tier.T1, paused=away)], MONTH, policy)
    assert [(m.kind, m.away, m.left_care) for m in result.misses] == [
        (MissKind.MONTHLY, True, False)
    ]
    assert result.row(Scope(ScopeKind.CITY, "all")).elders_due == 0


def test_an_elder_who_died_before_a_visit_is_off_the_months_roster_but_named(
    policy: Policy,
) -> None:
    gone = (StatusPeriod(ElderStatus.DECEASED, DEC[5], None),)
    result = check_compliance([], [baseline(tier=Tier.T1, last=DEC[1], paused=gone)], MONTH, policy)
    assert [(m.kind, m.deadline, m.away, m.left_care) for m in result.misses] == [
        (MissKind.MONTHLY, DEC[31], True, True)
    ]
    assert result.row(Scope(ScopeKind.CITY, "all")).elders_due == 0


def test_an_elder_visited_before_moving_away_counts_as_due_and_visited(policy: Policy) -> None:
    gone = (StatusPeriod(ElderStatus.MOVED, DEC[10], None),)
    visits = [visit(DEC[3], tier=Tier.T3)]
    result = check_compliance(visits, [baseline(tier=Tier.T3, paused=gone)], MONTH, policy)
    row = result.row(Scope(ScopeKind.CITY, "all"))
    assert (row.elders_due, row.elders_visited) == (1, 1)
    assert result.misses == ()


def test_an_elder_in_hospital_at_the_months_end_stays_due(policy: Policy) -> None:
    stay = (StatusPeriod(ElderStatus.HOSPITALISED, DEC[20], None),)
    result = check_compliance([], [baseline(tier=Tier.T3, paused=stay)], MONTH, policy)
    assert [(m.kind, m.away) for m in result.misses] == [(MissKind.MONTHLY, False)]
    assert result.row(Scope(ScopeKind.CITY, "all")).elders_due == 1


def test_a_status_period_must_be_an_absence_in_order() -> None:
    with pytest.raises(ValueError, match="active"):
        StatusPeriod(ElderStatus.ACTIVE, DEC[1])
    with pytest.raises(ValueError, match="before it starts"):
        StatusPeriod(ElderStatus.HOSPITALISED, DEC[5], DEC[4])


# ---------------------------------------------------------------- monthly rule and coverage


def test_the_monthly_rule_needs_a_completed_visit_in_the_month(policy: Policy) -> None:
    elders = [baseline("E1", Tier.T3), baseline("E2", Tier.T3), baseline("E3", Tier.T3)]
    visits = [
        visit(DEC[4], "E1", Tier.T3),
        visit(DEC[4], "E2", Tier.T3, outcome=Outcome.NOT_HOME),
        visit(date(2026, 11, 28), "E3", Tier.T3),  # last month does not count
    ]
    result = check_compliance(visits, elders, MONTH, policy)
    monthly = [(m.elder_id, m.deadline) for m in result.misses if m.kind is MissKind.MONTHLY]
    assert monthly == [("E2", DEC[31]), ("E3", DEC[31])]
    city = result.row(Scope(ScopeKind.CITY, "all"))
    assert (city.elders_due, city.elders_visited, city.visits_made) == (3, 1, 2)
    assert city.percent == pytest.approx(33.33)


def test_the_monthly_rule_is_not_judged_before_the_month_ends(policy: Policy) -> None:
    result = check_compliance([], [baseline(tier=Tier.T3)], MONTH, policy, through=DEC[30])
    assert result.misses == ()


def test_an_elder_counts_once_in_the_tier_of_its_first_completed_visit(policy: Policy) -> None:
    visits = [
        visit(DEC[1], tier=Tier.T2, outcome=Outcome.NOT_HOME),
        visit(DEC[2], tier=Tier.T2),
        visit(DEC[9], tier=Tier.T1),
    ]
    result = check_compliance(visits, [baseline(tier=Tier.T3)], MONTH, policy)
    community = Scope(ScopeKind.COMMUNITY, "C1")
    assert result.row(community, "T2").elders_visited == 1
    assert result.row(community, "T2").elders_due == 1
    assert result.row(community, "T3").elders_due == 0
    assert result.row(community, "T1").elders_visited == 0
    assert result.row(community, "T1").visits_made == 1
    everyone = result.row(community, ALL_TIERS)
    assert (everyone.elders_visited, everyone.visits_made) == (1, 3)
    assert everyone.outcomes == {"not_home": 1, "visited": 2}
    assert result.visits == 3


def test_coverage_rolls_up_from_community_to_city(policy: Policy) -> None:
    elders = [baseline("E1", community="C1"), baseline("E2", community="C2")]
    result = check_compliance([visit(DEC[3], "E1")], elders, MONTH, policy)
    assert result.row(Scope(ScopeKind.COMMUNITY, "C1")).percent == 100.0
    assert result.row(Scope(ScopeKind.COMMUNITY, "C2")).percent == 0.0
    for scope in (Scope(ScopeKind.STREET, "S1"), Scope(ScopeKind.DISTRICT, "D1")):
        assert result.row(scope).percent == 50.0


def test_the_month_is_the_local_date_and_other_months_are_not_counted(policy: Policy) -> None:
    # 23:30 on 30 Nov in UTC is 07:30 on 1 Dec in Shenyang.
    early = visit(DEC[1], hour=7)
    november = visit(date(2026, 11, 29))
    result = check_compliance([early, november], [baseline()], MONTH, policy)
    assert result.visits == 1
    assert result.row(Scope(ScopeKind.CITY, "all")).elders_visited == 1


def test_visits_of_an_elder_without_a_baseline_are_flagged(policy: Policy) -> None:
    result = check_compliance([visit(DEC[3], "E9")], [baseline("E1")], MONTH, policy)
    assert result.unknown_elders == ("E9",)
    assert result.row(Scope(ScopeKind.CITY, "all")).elders_visited == 1


@pytest.mark.parametrize("text", ["2026-13", "26-12", "2026-1", "december"])
def test_a_month_must_be_yyyy_mm(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_bounds(text)
